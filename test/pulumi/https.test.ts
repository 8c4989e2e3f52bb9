import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { TlsMode, type Tls } from '../../lib/model/tls';
import { ListenerTlsPolicy } from '../../lib/plan/container-task-spec';
import { checkout, installMocks, network, settle, valueOf } from './helpers';

/*
 * HTTPS of a container service on Pulumi for each way a definition states `tls` (the domain with
 * a DNS-validated certificate is compared with CloudFormation in cross-target.test.ts).
 */
const registered = installMocks('prod');
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0123abcd-4567-89ef-0123-456789abcdef';

async function deploy(name: string, tls: Tls) {
  const definition = checkout();
  const withTls = {
    ...definition,
    environments: definition.environments.map((e) => (e.name === 'prod' ? { ...e, tls } : e)),
  };
  const start = registered.length;
  const component = new DeploymentComponent(name, { definition: withTls, environment: 'prod', platform: DeploymentPlatform.AWS, network });
  await settle();
  const mine = registered.slice(start);
  return {
    url: await valueOf(component.serviceUrl),
    listeners: mine.filter((r) => r.type === 'aws:lb/listener:Listener').map((r) => r.inputs),
    types: mine.map((r) => r.type),
  };
}

test('an existing certificate: HTTPS on 443 with it and the post-quantum TLS policy, 80 redirects, nothing issued', async () => {
  const { url, listeners, types } = await deploy('cert', { mode: TlsMode.CERTIFICATE, certificateArn: CERTIFICATE_ARN });
  const https = listeners.find((l) => l.port === 443)!;
  expect(https).toMatchObject({ protocol: 'HTTPS', certificateArn: CERTIFICATE_ARN, sslPolicy: ListenerTlsPolicy.TLS13_12_PQ });
  expect(listeners.find((l) => l.port === 80)!.defaultActions).toEqual([
    { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } },
  ]);
  expect(types).not.toContain('aws:acm/certificate:Certificate');
  expect(types).not.toContain('aws:route53/record:Record');
  // No domain declared: users reach the load balancer's own name.
  expect(url).toBe('https://checkout-prod-lb.eu-west-1.elb.amazonaws.com');
});

test('TLS disabled with a reason: plain HTTP on 80, no certificate, no redirect', async () => {
  const { url, listeners, types } = await deploy('plain', { mode: TlsMode.DISABLED, reason: 'internal tool behind the VPN only' });
  expect(listeners.map((l) => [l.port, l.protocol, l.defaultActions[0].type])).toEqual([
    [80, 'HTTP', 'fixed-response'],
    [9000, 'HTTP', 'fixed-response'],
  ]);
  expect(types).not.toContain('aws:acm/certificate:Certificate');
  expect(url).toMatch(/^http:\/\//);
});
