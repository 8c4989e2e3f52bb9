import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { synthesizeKubernetes } from '../../constructs/k8s';
import { snapshotOf } from '../../constructs/testing';
import { normalizeTemplate } from '../../constructs/testing/private/normalize';
import { loadDefinitionFile, validateDefinition } from '../../lib/model';
import { shopStack } from './fixtures';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** A directory with a handler whose contents the test changes. */
function handlerDirectory(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-asset-'));
  fs.writeFileSync(path.join(dir, 'index.js'), `exports.handler = async () => ${body};\n`);
  return dir;
}

/** A user's stack with a function from an asset directory, published as a version. */
function functionStack(codeDirectory: string): Stack {
  const stack = new Stack(new App(), 'Api', { env: { account: '111111111111', region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(codeDirectory),
  });
  new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
  return stack;
}

describe('snapshotOf', () => {
  const tmp: string[] = [];
  afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  describe('a stack', () => {
    test('is the template without CDK bookkeeping, and the runbook of the glidepath constructs in it', () => {
      const snapshot = snapshotOf(shopStack());
      const template = snapshot.templates!.Shop;
      const raw = JSON.stringify(template);
      expect(template.Resources!.CDKMetadata).toBeUndefined();
      expect((template.Parameters as Record<string, unknown> | undefined)?.BootstrapVersion).toBeUndefined();
      expect(template.Rules).toBeUndefined();
      expect(raw).not.toMatch(/aws:cdk:path|aws:asset:/);
      expect(Object.values(template.Resources!).map((r) => r.Type)).toContain('AWS::ECS::Service');
      expect(snapshot.runbooks!.Shop).toContain('shop-web-dead-mans-switch');
      expect(snapshot.runbooks!.Shop).toContain('aws ecs describe-services --cluster shop --services shop-web');
    });

    test('is identical across two runs', () => {
      expect(snapshotOf(shopStack())).toEqual(snapshotOf(shopStack()));
    });

    test('is identical when only an asset changed, though the raw templates differ', () => {
      const before = handlerDirectory('"v1"');
      const after = handlerDirectory('"v2"');
      tmp.push(before, after);
      const raw = [Template.fromStack(functionStack(before)).toJSON(), Template.fromStack(functionStack(after)).toJSON()];
      expect(raw[0]).not.toEqual(raw[1]);
      expect(snapshotOf(functionStack(before))).toEqual(snapshotOf(functionStack(after)));
    });

    test('leaves out the runbook when asked, or when no glidepath construct contributes one', () => {
      expect(snapshotOf(shopStack(), { runbook: false }).runbooks).toBeUndefined();
      const dir = handlerDirectory('1');
      tmp.push(dir);
      expect(snapshotOf(functionStack(dir)).runbooks).toBeUndefined();
    });
  });

  test('a chart: its objects and its runbook', () => {
    const definition = loadDefinitionFile(path.join(EXAMPLES, 'storefront-web', 'definition.yaml'));
    const snapshot = snapshotOf(synthesizeKubernetes(definition, 'prod').chart);
    expect(snapshot.manifests!['storefront-web-prod'].map((o) => o.kind)).toContain('Rollout');
    expect(snapshot.runbooks!['storefront-web-prod']).toContain('kubectl argo rollouts');
    expect(snapshot.templates).toBeUndefined();
  });

  describe('a definition', () => {
    test('every environment: templates and runbooks on AWS, manifests and runbooks on Kubernetes', () => {
      const snapshot = snapshotOf(loadDefinitionFile(path.join(EXAMPLES, 'checkout', 'definition.yaml')), { environments: ['prod'] });
      expect(Object.keys(snapshot.templates!)).toEqual(['checkout-prod']);
      expect(Object.keys(snapshot.manifests!)).toEqual(['checkout-prod.k8s']);
      expect(Object.keys(snapshot.runbooks!)).toEqual(['checkout-prod', 'checkout-prod.k8s']);
    });

    test('is identical when only the function code changed', () => {
      const definitionIn = (dir: string) =>
        validateDefinition(
          {
            service: 'quotes',
            owners: { team: 'pricing', primary: '@ana', backup: '@ben', channel: '#quotes' },
            receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
            workload: { function: { runtime: 'nodejs24.x', handler: 'index.handler', code: '.' } },
            environments: [{ name: 'prod', region: 'eu-west-1', rollout: { strategy: 'canary' } }],
          },
          { source: 'quotes.yaml', baseDirectory: dir },
        );
      const before = handlerDirectory('"v1"');
      const after = handlerDirectory('"v2"');
      tmp.push(before, after);
      const [a, b] = [snapshotOf(definitionIn(before)), snapshotOf(definitionIn(after))];
      expect(a.manifests).toBeUndefined();
      expect(a).toEqual(b);
      expect(JSON.stringify(a)).toContain('CurrentVersion<hash>');
    });
  });

  test('fails on anything else, saying what it takes', () => {
    expect(() => snapshotOf(lambda.Runtime.NODEJS_24_X as never)).toThrow(
      'snapshotOf() takes an aws-cdk-lib Stack, a cdk8s Chart or a glidepath definition (defineService, loadDefinitionFile); got an object of class Runtime',
    );
    const stack = new Stack(new App(), 'S');
    expect(() => snapshotOf(stack.node.scope as never)).toThrow(
      'got an object of class App (a construct that is neither a Stack nor a Chart: pass its Stack or Chart)',
    );
  });
});

describe('normalizeTemplate', () => {
  test('replaces asset hashes and version logical ids, keeps user metadata, does not modify its input', () => {
    const hash = 'a'.repeat(64);
    const template = {
      Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>' }, Stage: { Type: 'String' } },
      Resources: {
        FnCurrentVersion1A2B3C4D0123456789abcdef0123456789abcdef: {
          Type: 'AWS::Lambda::Version',
          Metadata: { 'aws:cdk:path': 'S/Fn', cfn_nag: { rules_to_suppress: [] } },
        },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: `${hash}.zip` } }, Metadata: { 'aws:asset:path': 'asset.x' } },
      },
    };
    const copy = JSON.parse(JSON.stringify(template));
    expect(normalizeTemplate(template)).toEqual({
      Parameters: { Stage: { Type: 'String' } },
      Resources: {
        'FnCurrentVersion<hash>': { Type: 'AWS::Lambda::Version', Metadata: { cfn_nag: { rules_to_suppress: [] } } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: '<asset-hash>.zip' } } },
      },
    });
    expect(template).toEqual(copy);
  });
});
