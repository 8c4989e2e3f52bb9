import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { manifestObjects } from '../../constructs/pulumi/private/kubernetes-resources';
import { exampleArtifacts, exampleAws } from '../support/example-outputs';
import { checkout, flagsOf, installMocks, network, settle, type Registered } from './helpers';

/*
 * One definition, three targets: the thresholds, weights, bake times and names a reviewer approves
 * in the definition are the same in the CloudFormation template (DeploymentStack), in the Kubernetes
 * manifests (DeploymentChart) and in the resources the Pulumi component registers.
 */

type Json = Record<string, any>;

const registered = installMocks('prod');
const definition = checkout();
const environments = definition.environments.map((e) => e.name);
// The example's templates and manifests, synthesized once per run (test/support/example-outputs.ts).
let templates: Record<string, string>;
beforeAll(() => {
  templates = exampleAws('checkout').templates;
});

describe.each(environments.map((e) => [e]))('examples/checkout %s: CloudFormation, Kubernetes and Pulumi agree', (environment) => {
  const base = `checkout-${environment}`;
  let cfn: Json[];
  let pulumiAws: Registered[];
  let pulumiK8s: Registered[];

  beforeAll(async () => {
    const resources: Record<string, Json> = JSON.parse(templates[`${base}.template.json`]).Resources;
    // Resolve the references that matter for comparison to the physical names they point at.
    const nameOf = (ref: Json): string => {
      const logicalId = ref.Ref ?? ref['Fn::GetAtt']?.[0];
      const p = resources[logicalId].Properties;
      return p.AlarmName ?? p.TopicName ?? p.Name ?? logicalId;
    };
    let start = registered.length;
    const component = new DeploymentComponent(`${base}-aws`, { definition, environment, platform: DeploymentPlatform.AWS, network });
    await settle();
    // Every part of the stack is compared: the component deploys them all.
    cfn = Object.values(resources).map((r) => ({ ...r, nameOf }));
    expect(component.warnings.join('\n')).not.toMatch(/not deployed by the Pulumi target/);
    pulumiAws = registered.slice(start);
    start = registered.length;
    new DeploymentComponent(`${base}-k8s`, { definition, environment, platform: DeploymentPlatform.KUBERNETES });
    await settle();
    pulumiK8s = registered.slice(start);
  });

  const cfnOf = (type: string) => cfn.filter((r) => r.Type === type);
  const pulumiOf = (type: string) => pulumiAws.filter((r) => r.type === type).map((r) => r.inputs);
  /** A topic ARN (Pulumi mock) or `Ref` (CloudFormation) as the topic name. */
  const topic = (x: string | Json, r: Json) => (typeof x === 'string' ? /(checkout-\w+-(critical|warning))$/.exec(x)![1] : r.nameOf(x));

  test('every CloudWatch alarm: name, threshold, comparison, evaluation, missing data, metrics and actions', () => {
    const fromCfn = cfnOf('AWS::CloudWatch::Alarm').map((r) => {
      const p = r.Properties;
      const dims = (d: Json[] | undefined) =>
        Object.fromEntries((d ?? []).map((x) => [x.Name, typeof x.Value === 'string' ? x.Value : x.Name === 'TargetGroup' ? 'TG' : 'LB']));
      return {
        name: p.AlarmName,
        description: p.AlarmDescription.replace(`${base}.md#`, `${base}.pulumi.md#`),
        threshold: p.Threshold,
        comparisonOperator: p.ComparisonOperator,
        evaluationPeriods: p.EvaluationPeriods,
        datapointsToAlarm: p.DatapointsToAlarm,
        treatMissingData: p.TreatMissingData,
        metric: p.MetricName && {
          namespace: p.Namespace,
          metricName: p.MetricName,
          dimensions: dims(p.Dimensions),
          statistic: p.Statistic,
          period: p.Period,
        },
        queries: p.Metrics?.map((m: Json) => ({
          id: m.Id,
          expression: m.Expression,
          label: m.Label,
          returnData: m.ReturnData,
          metric: m.MetricStat && {
            namespace: m.MetricStat.Metric.Namespace,
            metricName: m.MetricStat.Metric.MetricName,
            dimensions: dims(m.MetricStat.Metric.Dimensions),
            period: m.MetricStat.Period,
            stat: m.MetricStat.Stat,
          },
        })),
        alarmActions: p.AlarmActions.map((a: Json) => topic(a, r)),
        okActions: (p.OKActions ?? []).map((a: Json) => topic(a, r)),
      };
    });
    const fromPulumi = pulumiOf('aws:cloudwatch/metricAlarm:MetricAlarm').map((p) => {
      const dims = (d: Json | undefined) =>
        Object.fromEntries(Object.entries(d ?? {}).map(([k, v]) => [k, k === 'LoadBalancer' ? 'LB' : k === 'TargetGroup' ? 'TG' : v]));
      return {
        name: p.name,
        description: p.alarmDescription,
        threshold: p.threshold,
        comparisonOperator: p.comparisonOperator,
        evaluationPeriods: p.evaluationPeriods,
        datapointsToAlarm: p.datapointsToAlarm,
        treatMissingData: p.treatMissingData,
        metric: p.metricName && {
          namespace: p.namespace,
          metricName: p.metricName,
          dimensions: dims(p.dimensions),
          statistic: p.statistic,
          period: p.period,
        },
        queries: p.metricQueries?.map((q: Json) => ({ ...q, metric: q.metric && { ...q.metric, dimensions: dims(q.metric.dimensions) } })),
        alarmActions: p.alarmActions.map((a: string) => topic(a, {})),
        okActions: (p.okActions ?? []).map((a: string) => topic(a, {})),
      };
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(fromPulumi.length).toBeGreaterThanOrEqual(7);
    expect(fromPulumi.sort(byName)).toEqual(fromCfn.sort(byName));
  });

  test('the ECS service: strategy, weights, bake times, health percentages, deployment alarms, circuit breaker', () => {
    const r = cfnOf('AWS::ECS::Service')[0];
    const c = r.Properties.DeploymentConfiguration;
    const p = pulumiOf('aws:ecs/service:Service')[0];
    const minutes = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    expect({
      name: p.name,
      desiredCount: p.desiredCount,
      strategy: p.deploymentConfiguration.strategy,
      bake: minutes(p.deploymentConfiguration.bakeTimeInMinutes),
      canary: p.deploymentConfiguration.canaryConfiguration && {
        percent: p.deploymentConfiguration.canaryConfiguration.canaryPercent,
        bake: minutes(p.deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes),
      },
      minimumHealthyPercent: p.deploymentMinimumHealthyPercent,
      maximumPercent: p.deploymentMaximumPercent,
      alarms: p.alarms,
      circuitBreaker: p.deploymentCircuitBreaker,
      healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
      alternateTargetGroup: p.loadBalancers[0].advancedConfiguration !== undefined,
    }).toEqual({
      name: r.Properties.ServiceName,
      // With autoscaling the template leaves DesiredCount out (the service starts 1 task and the
      // scalable target raises it to its minimum); Pulumi creates it at that count and then ignores
      // the field, so neither resets a scaled-out service on the next release.
      desiredCount: r.Properties.DesiredCount ?? cfnOf('AWS::ApplicationAutoScaling::ScalableTarget')[0]?.Properties.MinCapacity,
      strategy: c.Strategy,
      bake: c.BakeTimeInMinutes,
      canary: c.CanaryConfiguration && {
        percent: c.CanaryConfiguration.CanaryPercent,
        bake: c.CanaryConfiguration.CanaryBakeTimeInMinutes,
      },
      minimumHealthyPercent: c.MinimumHealthyPercent,
      maximumPercent: c.MaximumPercent,
      alarms: c.Alarms && {
        alarmNames: c.Alarms.AlarmNames.map((a: Json) => r.nameOf(a)),
        enable: c.Alarms.Enable,
        rollback: c.Alarms.Rollback,
      },
      circuitBreaker: c.DeploymentCircuitBreaker && {
        enable: c.DeploymentCircuitBreaker.Enable,
        rollback: c.DeploymentCircuitBreaker.Rollback,
      },
      healthCheckGracePeriodSeconds: r.Properties.HealthCheckGracePeriodSeconds,
      alternateTargetGroup: r.Properties.LoadBalancers[0].AdvancedConfiguration !== undefined,
    });
  });

  /** CloudFormation intrinsics and Pulumi mock values flattened to the same placeholders. */
  const flat = (x: unknown, r: Json): unknown => {
    if (typeof x === 'string')
      return x.replace(/arn:aws:mock:[^"]*?aws:s3\/bucket:Bucket\/[\w-]+/g, 'BUCKET').replace(/123456789012/g, 'ACCOUNT');
    if (Array.isArray(x)) return x.map((y) => flat(y, r));
    if (x && typeof x === 'object') {
      const o = x as Json;
      if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map((y) => flat(y, r)).join(o['Fn::Join'][0]);
      if (o.Ref === 'AWS::AccountId') return 'ACCOUNT';
      if (o['Fn::GetAtt'] && r.Type === 'AWS::S3::BucketPolicy' && o['Fn::GetAtt'][0] === r.Properties.Bucket.Ref) return 'BUCKET';
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, flat(v, r)]));
    }
    return x;
  };
  const attributes = (list: Json[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.Key, a.Value]));

  test('the task definition: image, ports, hardening, stop timeout, cpu/memory and logging', () => {
    const task = cfnOf('AWS::ECS::TaskDefinition').find((r) => r.Properties.Family === base)!.Properties;
    const containers = task.ContainerDefinitions;
    const app = containers.find((c: Json) => c.Name === 'app');
    const logGroup = (ref: Json) => cfnOf('AWS::Logs::LogGroup').find((r) => r.Properties.LogGroupName === `/ecs/${base}`) && ref.Ref;
    expect(logGroup(app.LogConfiguration.Options['awslogs-group'])).toBeDefined();
    const fromCfn = {
      family: task.Family,
      cpu: task.Cpu,
      memory: task.Memory,
      networkMode: task.NetworkMode,
      requiresCompatibilities: task.RequiresCompatibilities,
      containers: containers.map((c: Json) => c.Name),
      app: {
        name: app.Name,
        image: app.Image,
        essential: app.Essential,
        portMappings: app.PortMappings.map((m: Json) => ({ containerPort: m.ContainerPort, name: m.Name, protocol: m.Protocol })),
        readonlyRootFilesystem: app.ReadonlyRootFilesystem,
        user: app.User,
        stopTimeout: app.StopTimeout,
        environment: app.Environment.map((e: Json) => ({
          name: e.Name,
          value: e.Value,
        })),
        secrets: app.Secrets.map((e: Json) => e.Name),
        log: {
          driver: app.LogConfiguration.LogDriver,
          group: `/ecs/${base}`,
          region: app.LogConfiguration.Options['awslogs-region'],
          prefix: app.LogConfiguration.Options['awslogs-stream-prefix'],
        },
      },
      logRetentionDays: cfnOf('AWS::Logs::LogGroup').find((r) => r.Properties.LogGroupName === `/ecs/${base}`)!.Properties.RetentionInDays,
    };
    const p = pulumiOf('aws:ecs/taskDefinition:TaskDefinition').find((t) => t.family === base)!;
    const pcontainers: Json[] = JSON.parse(p.containerDefinitions);
    const papp = pcontainers.find((c) => c.name === 'app')!;
    const fromPulumi = {
      family: p.family,
      cpu: p.cpu,
      memory: p.memory,
      networkMode: p.networkMode,
      requiresCompatibilities: p.requiresCompatibilities,
      containers: pcontainers.map((c) => c.name),
      app: {
        name: papp.name,
        image: papp.image,
        essential: papp.essential,
        portMappings: papp.portMappings,
        readonlyRootFilesystem: papp.readonlyRootFilesystem,
        user: papp.user,
        stopTimeout: papp.stopTimeout,
        environment: papp.environment,
        secrets: papp.secrets.map((e: Json) => e.name),
        log: {
          driver: papp.logConfiguration.logDriver,
          group: papp.logConfiguration.options['awslogs-group'],
          region: papp.logConfiguration.options['awslogs-region'],
          prefix: papp.logConfiguration.options['awslogs-stream-prefix'],
        },
      },
      logRetentionDays: pulumiOf('aws:cloudwatch/logGroup:LogGroup').find((l) => l.name === `/ecs/${base}`)!.retentionInDays,
    };
    expect(fromPulumi).toEqual(fromCfn);
    expect(fromCfn.app.readonlyRootFilesystem).toBe(true);
    expect(fromCfn.app.stopTimeout).toBe(30);
  });

  test('the load balancer: attributes, access logs and their bucket, target groups, health checks, listeners and rules', () => {
    const lb = cfnOf('AWS::ElasticLoadBalancingV2::LoadBalancer')[0].Properties;
    const attrs = attributes(lb.LoadBalancerAttributes);
    const bucket = cfnOf('AWS::S3::Bucket').find((r) => r.Properties.LifecycleConfiguration)!;
    const bucketPolicy = cfnOf('AWS::S3::BucketPolicy').find((r) => r.Properties.Bucket.Ref === attrs['access_logs.s3.bucket'].Ref)!;
    const healthCheck = (t: Json) => ({
      path: t.HealthCheckPath,
      matcher: t.Matcher.HttpCode,
      interval: t.HealthCheckIntervalSeconds,
      timeout: t.HealthCheckTimeoutSeconds,
      healthyThreshold: t.HealthyThresholdCount,
      unhealthyThreshold: t.UnhealthyThresholdCount,
    });
    const svc = cfnOf('AWS::ECS::Service')[0].Properties;
    const fromCfn = {
      type: lb.Type,
      internal: lb.Scheme !== 'internet-facing',
      dropInvalidHeaderFields: attrs['routing.http.drop_invalid_header_fields.enabled'] === 'true',
      deletionProtection: attrs['deletion_protection.enabled'] === 'true',
      accessLogs: { enabled: attrs['access_logs.s3.enabled'] === 'true', prefix: attrs['access_logs.s3.prefix'] },
      bucket: {
        encryption: bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
        publicAccessBlock: bucket.Properties.PublicAccessBlockConfiguration,
        expirationDays: bucket.Properties.LifecycleConfiguration.Rules.map((r: Json) => r.ExpirationInDays),
        // CDK empties a bucket that goes with the stack through a custom resource; Pulumi with forceDestroy.
        policy: flat(
          bucketPolicy.Properties.PolicyDocument.Statement.filter(
            (st: Json) => !st.Principal.AWS?.['Fn::GetAtt']?.[0].startsWith('CustomS3AutoDeleteObjects'),
          ),
          bucketPolicy,
        ),
        forceDestroy: cfn.some((r) => r.Type === 'Custom::S3AutoDeleteObjects'),
      },
      targetGroups: cfnOf('AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => ({
        port: r.Properties.Port,
        protocol: r.Properties.Protocol,
        targetType: r.Properties.TargetType,
        deregistrationDelay: Number(attributes(r.Properties.TargetGroupAttributes)['deregistration_delay.timeout_seconds']),
        healthCheck: healthCheck(r.Properties),
      })),
      listeners: cfnOf('AWS::ElasticLoadBalancingV2::Listener')
        .map((r) => ({
          port: r.Properties.Port,
          protocol: r.Properties.Protocol,
          defaultActions: r.Properties.DefaultActions.map((a: Json) => a.Type),
          redirect: r.Properties.DefaultActions[0].RedirectConfig,
          sslPolicy: r.Properties.SslPolicy,
          // An existing certificate by ARN, or the one the stack issues.
          certificate: ((arn: string | Json | undefined) => (typeof arn === 'object' ? 'issued' : arn))(
            r.Properties.Certificates?.[0].CertificateArn,
          ),
        }))
        .sort((a, b) => a.port - b.port),
      issuedCertificates: cfnOf('AWS::CertificateManager::Certificate').map((r) => ({
        domainName: r.Properties.DomainName,
        validation: r.Properties.ValidationMethod,
        hostedZoneId: r.Properties.DomainValidationOptions[0].HostedZoneId,
      })),
      domainRecords: cfnOf('AWS::Route53::RecordSet').map((r) => ({
        zone: r.Properties.HostedZoneId,
        name: r.Properties.Name.replace(/\.$/, ''),
        type: r.Properties.Type,
        alias: r.Properties.AliasTarget.DNSName['Fn::Join'][1].map((x: string | Json) => (typeof x === 'string' ? x : 'LB')).join(''),
      })),
      rules: cfnOf('AWS::ElasticLoadBalancingV2::ListenerRule').map((r) => ({
        priority: r.Properties.Priority,
        paths: r.Properties.Conditions[0].PathPatternConfig.Values,
        weights: r.Properties.Actions[0].ForwardConfig?.TargetGroups.map((t: Json) => t.Weight),
      })),
      service: {
        healthCheckGracePeriodSeconds: svc.HealthCheckGracePeriodSeconds,
        launchType: svc.LaunchType,
        propagateTags: svc.PropagateTags,
        assignPublicIp: svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp === 'ENABLED',
        container: { name: svc.LoadBalancers[0].ContainerName, port: svc.LoadBalancers[0].ContainerPort },
      },
    };
    const plb = pulumiOf('aws:lb/loadBalancer:LoadBalancer')[0];
    const pbucket = pulumiAws.find((r) => r.type === 'aws:s3/bucket:Bucket')!;
    const ofBucket = (type: string) => pulumiAws.find((r) => r.type === type && r.name === pbucket.name)!.inputs;
    const pservice = pulumiOf('aws:ecs/service:Service')[0];
    const fromPulumi = {
      type: plb.loadBalancerType,
      internal: plb.internal,
      dropInvalidHeaderFields: plb.dropInvalidHeaderFields,
      deletionProtection: plb.enableDeletionProtection ?? false,
      accessLogs: { enabled: plb.accessLogs.enabled, prefix: plb.accessLogs.prefix },
      bucket: {
        encryption: ofBucket('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration').rules[0]
          .applyServerSideEncryptionByDefault.sseAlgorithm,
        publicAccessBlock: ((b: Json) => ({
          BlockPublicAcls: b.blockPublicAcls,
          BlockPublicPolicy: b.blockPublicPolicy,
          IgnorePublicAcls: b.ignorePublicAcls,
          RestrictPublicBuckets: b.restrictPublicBuckets,
        }))(ofBucket('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')),
        expirationDays: ofBucket('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').rules.map(
          (r: Json) => r.expiration.days,
        ),
        policy: flat(JSON.parse(ofBucket('aws:s3/bucketPolicy:BucketPolicy').policy).Statement, {}),
        forceDestroy: pbucket.inputs.forceDestroy,
      },
      targetGroups: pulumiOf('aws:lb/targetGroup:TargetGroup').map((t) => ({
        port: t.port,
        protocol: t.protocol,
        targetType: t.targetType,
        deregistrationDelay: t.deregistrationDelay,
        healthCheck: t.healthCheck,
      })),
      listeners: pulumiOf('aws:lb/listener:Listener')
        .map((l) => ({
          port: l.port,
          protocol: l.protocol,
          defaultActions: l.defaultActions.map((a: Json) => a.type),
          redirect: ((r: Json | undefined) => r && { Port: r.port, Protocol: r.protocol, StatusCode: r.statusCode })(
            l.defaultActions[0].redirect,
          ),
          sslPolicy: l.sslPolicy,
          certificate: pulumiAws.some((c) => c.type === 'aws:acm/certificate:Certificate' && l.certificateArn?.endsWith(`/${c.name}`))
            ? 'issued'
            : l.certificateArn,
        }))
        .sort((a, b) => a.port - b.port),
      issuedCertificates: pulumiOf('aws:acm/certificate:Certificate').map((c) => ({
        domainName: c.domainName,
        validation: c.validationMethod,
        // The DNS validation record Pulumi writes (CloudFormation writes it from DomainValidationOptions).
        hostedZoneId: pulumiOf('aws:route53/record:Record').find((r) => r.type === 'CNAME' && r.name.endsWith(`.${c.domainName}.`))?.zoneId,
      })),
      domainRecords: pulumiOf('aws:route53/record:Record')
        .filter((r) => r.aliases)
        .map((r) => ({
          zone: r.zoneId,
          name: r.name,
          type: r.type,
          alias: r.aliases[0].name.replace(
            `${pulumiAws.find((x) => x.type === 'aws:lb/loadBalancer:LoadBalancer')!.name}.eu-west-1.elb.amazonaws.com`,
            'LB',
          ),
        })),
      rules: pulumiOf('aws:lb/listenerRule:ListenerRule').map((r) => ({
        priority: r.priority,
        paths: r.conditions[0].pathPattern.values,
        weights: r.actions[0].forward?.targetGroups.map((t: Json) => t.weight),
      })),
      service: {
        healthCheckGracePeriodSeconds: pservice.healthCheckGracePeriodSeconds,
        launchType: pservice.launchType,
        propagateTags: pservice.propagateTags,
        assignPublicIp: pservice.networkConfiguration.assignPublicIp,
        container: { name: pservice.loadBalancers[0].containerName, port: pservice.loadBalancers[0].containerPort },
      },
    };
    expect(fromPulumi).toEqual(fromCfn);
    expect(fromCfn.accessLogs).toEqual({ enabled: true, prefix: base });
    if (environment === 'prod') {
      // checkout prod declares a domain in a hosted zone: HTTPS with an issued certificate, 80 redirects.
      expect(fromCfn.issuedCertificates).toHaveLength(1);
      expect(fromCfn.domainRecords).toHaveLength(1);
      // The test listener serves HTTPS with the same certificate (no plain HTTP listener but the redirect).
      expect(fromCfn.listeners.map((l) => l.protocol)).toEqual(['HTTP', 'HTTPS', 'HTTPS']);
    }
  });

  test('feature flags: AppConfig application, environment monitors, profile, content, strategies and deployment', () => {
    const alarmName = (x: Json) => (typeof x === 'string' ? /(checkout-[\w-]+)$/.exec(x)![1] : cfn[0].nameOf(x));
    expect(flagsOf(pulumiOf, alarmName)).toEqual(flagsOf((t) => cfnOf(t).map((r) => r.Properties), alarmName));
    expect(cfnOf('AWS::AppConfig::Application')).toHaveLength(definition.featureFlags.length > 0 ? 1 : 0);
  });

  test('the smoke-test hook: ECS runs it after test traffic moves, with the same checks, timeout and test port', () => {
    const hooks = cfnOf('AWS::ECS::Service')[0].Properties.DeploymentConfiguration.LifecycleHooks ?? [];
    const fn = cfnOf('AWS::Lambda::Function').find((r) => r.Properties.FunctionName === `${base}-smoke-tests`)?.Properties;
    const phooks = pulumiOf('aws:ecs/service:Service')[0].deploymentConfiguration.lifecycleHooks ?? [];
    const pfn = pulumiOf('aws:lambda/function:Function').find((p) => p.name === `${base}-smoke-tests`);
    expect({
      stages: phooks.map((h: Json) => h.lifecycleStages),
      fn: pfn && {
        description: pfn.description,
        timeout: pfn.timeout,
        memorySize: pfn.memorySize,
        runtime: pfn.runtime,
        smokeTests: pfn.environment.variables.SMOKE_TESTS,
        testPort: pfn.environment.variables.TEST_PORT,
        inVpc: pfn.vpcConfig !== undefined,
      },
    }).toEqual({
      stages: hooks.map((h: Json) => h.LifecycleStages),
      fn: fn && {
        description: fn.Description,
        timeout: fn.Timeout,
        memorySize: fn.MemorySize,
        runtime: fn.Runtime,
        smokeTests: fn.Environment.Variables.SMOKE_TESTS,
        testPort: fn.Environment.Variables.TEST_PORT,
        inVpc: fn.VpcConfig !== undefined,
      },
    });
    expect(hooks.length).toBe(
      definition.smokeTests && cfnOf('AWS::ECS::Service')[0].Properties.DeploymentConfiguration.Strategy !== 'ROLLING' ? 1 : 0,
    );
  });

  test('migrations: one-off task definitions, and a runner for each expand migration', () => {
    const tasks = (families: Json[]) => families.sort((a, b) => a.family.localeCompare(b.family));
    const fromCfn = tasks(
      cfnOf('AWS::ECS::TaskDefinition')
        .filter((r) => r.Properties.Family.startsWith(`${base}-migrate-`))
        .map((r) => {
          const c = r.Properties.ContainerDefinitions[0];
          return {
            family: r.Properties.Family,
            cpu: r.Properties.Cpu,
            memory: r.Properties.Memory,
            container: c.Name,
            image: c.Image,
            command: c.Command,
            readonlyRootFilesystem: c.ReadonlyRootFilesystem,
            environment: c.Environment.map((e: Json) => ({ name: e.Name, value: e.Value })),
            secrets: c.Secrets.map((e: Json) => e.Name),
            logPrefix: c.LogConfiguration.Options['awslogs-stream-prefix'],
          };
        }),
    );
    const fromPulumi = tasks(
      pulumiOf('aws:ecs/taskDefinition:TaskDefinition')
        .filter((p) => p.family.startsWith(`${base}-migrate-`))
        .map((p) => {
          const c = JSON.parse(p.containerDefinitions)[0];
          return {
            family: p.family,
            cpu: p.cpu,
            memory: p.memory,
            container: c.name,
            image: c.image,
            command: c.command,
            readonlyRootFilesystem: c.readonlyRootFilesystem,
            environment: c.environment,
            secrets: c.secrets.map((e: Json) => e.name),
            logPrefix: c.logConfiguration.options['awslogs-stream-prefix'],
          };
        }),
    );
    expect(fromPulumi).toEqual(fromCfn);
    expect(fromCfn).toHaveLength(definition.migrations.length);
    const runners = (fns: Json[]) => fns.filter((f) => /-run$/.test(f.name)).sort((a, b) => a.name.localeCompare(b.name));
    expect(
      runners(
        pulumiOf('aws:lambda/function:Function').map((p) => ({
          name: p.name,
          timeout: p.timeout,
          memorySize: p.memorySize,
          description: p.description,
        })),
      ),
    ).toEqual(
      runners(
        cfnOf('AWS::Lambda::Function').map((r) => ({
          name: r.Properties.FunctionName,
          timeout: r.Properties.Timeout,
          memorySize: r.Properties.MemorySize,
          description: r.Properties.Description,
        })),
      ),
    );
    expect(pulumiOf('aws:lambda/invocation:Invocation').map((p) => JSON.parse(p.input).Migration)).toEqual(
      cfnOf('Custom::GlidepathMigration').map((r) => r.Properties.Migration),
    );
  });

  test('physical names: cluster, task family, log group, topics, generated secrets and their rotation', () => {
    const names = (type: string, key: string) =>
      cfnOf(type)
        .map((r) => r.Properties[key])
        .filter((n) => typeof n === 'string')
        .sort();
    const pnames = (type: string, key: string) =>
      pulumiOf(type)
        .map((p) => p[key])
        .sort();
    expect(pnames('aws:ecs/cluster:Cluster', 'name')).toEqual(names('AWS::ECS::Cluster', 'ClusterName'));
    expect(pnames('aws:ecs/taskDefinition:TaskDefinition', 'family')).toEqual(names('AWS::ECS::TaskDefinition', 'Family'));
    expect(pnames('aws:sns/topic:Topic', 'name')).toEqual(names('AWS::SNS::Topic', 'TopicName'));
    expect(pnames('aws:secretsmanager/secret:Secret', 'name')).toEqual(names('AWS::SecretsManager::Secret', 'Name'));
    expect(pnames('aws:cloudwatch/dashboard:Dashboard', 'dashboardName')).toEqual(names('AWS::CloudWatch::Dashboard', 'DashboardName'));
    expect(pnames('aws:cloudwatch/logGroup:LogGroup', 'name')).toContain(`/ecs/${base}`);
    expect(pulumiOf('aws:secretsmanager/secretRotation:SecretRotation').map((p) => p.rotationRules.scheduleExpression)).toEqual(
      cfnOf('AWS::SecretsManager::RotationSchedule').map((r) => r.Properties.RotationRules.ScheduleExpression),
    );
    const scaling = cfnOf('AWS::ApplicationAutoScaling::ScalableTarget')[0]?.Properties;
    const target = pulumiOf('aws:appautoscaling/target:Target')[0];
    expect(target && { min: target.minCapacity, max: target.maxCapacity }).toEqual(
      scaling && { min: scaling.MinCapacity, max: scaling.MaxCapacity },
    );
  });

  test('Kubernetes through Pulumi: exactly the objects of the manifest, with the same numbers as the ECS service and alarms', () => {
    const group = pulumiK8s.find((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')!;
    const objs: Json[] = group.inputs.objs;
    expect(objs).toEqual(manifestObjects(exampleArtifacts('checkout').files[`k8s/checkout-${environment}.k8s.yaml`]));

    const service = pulumiOf('aws:ecs/service:Service')[0].deploymentConfiguration;
    const alarm = (kind: string) => pulumiOf('aws:cloudwatch/metricAlarm:MetricAlarm').find((p) => p.name === `${base}-${kind}`)!;
    const rules: { alert: string; expr: string }[] = objs.find((o) => o.kind === 'PrometheusRule')!.spec.groups[0].rules;
    const threshold = (alert: string) => Number(/>= ([\d.]+)$/.exec(rules.find((r) => r.alert === alert)!.expr)![1]);
    expect(threshold('CriticalErrorRate') * 100).toBeCloseTo(alarm('critical-error-rate').threshold, 9);
    expect(threshold('WarningLatencyP95') * 1000).toBeCloseTo(alarm('warning-latency-p95').threshold, 9);

    const rollout = objs.find((o) => o.kind === 'Rollout');
    if (!rollout) {
      expect(service.strategy).toBe('ROLLING');
      return;
    }
    const { canary, blueGreen } = rollout.spec.strategy;
    if (blueGreen) {
      expect(service.strategy).toBe('BLUE_GREEN');
      expect(blueGreen.scaleDownDelaySeconds / 60).toBe(Number(service.bakeTimeInMinutes));
      return;
    }
    const steps: Json[] = canary.steps;
    const first = steps.find((s) => s.setWeight !== undefined)!.setWeight;
    expect(service.strategy).toBe('CANARY');
    expect(first).toBe(service.canaryConfiguration.canaryPercent);
    expect(steps[steps.findIndex((s) => s.setWeight === first) + 1].pause.duration).toBe(
      `${service.canaryConfiguration.canaryBakeTimeInMinutes}m`,
    );
  });
});
