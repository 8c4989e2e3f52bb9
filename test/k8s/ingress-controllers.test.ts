import { Testing } from 'cdk8s';
import { DeploymentChart } from '../../constructs/k8s';
import { containerService, objectOf, validateObject } from './helpers';
import { canConnect } from './support/network-policy';

/*
 * The two ingress controllers Argo Rollouts splits traffic through, each with its router settings
 * (https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/nginx/ and .../alb/)
 * and the NetworkPolicy source of its traffic.
 */

const chartWith = (ingress: Record<string, unknown>, strategy = 'canary') =>
  Testing.synth(
    new DeploymentChart(Testing.app(), 'C', {
      definition: containerService([{ name: 'prod', rollout: { strategy } }], { kubernetes: { ingress } }),
      environment: 'prod',
    }),
  );

describe('ingress controllers', () => {
  test('nginx: trafficRouting.nginx on the stable Ingress; traffic admitted from the controller namespace', () => {
    const manifests = chartWith({ className: 'nginx' });
    const rollout = objectOf(manifests, 'Rollout');
    expect(rollout.spec.strategy.canary.trafficRouting).toEqual({ nginx: { stableIngress: 'shop' } });
    expect(objectOf(manifests, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop', port: { name: 'http' } });
    const cluster = {
      namespaces: {
        'ingress-nginx': { 'kubernetes.io/metadata.name': 'ingress-nginx' },
        'shop-prod': { 'kubernetes.io/metadata.name': 'shop-prod' },
      },
      policies: manifests.filter((m) => m.kind === 'NetworkPolicy'),
    };
    const app = { name: 'app', namespace: 'shop-prod', labels: rollout.spec.template.metadata.labels, ip: '10.244.0.5' };
    expect(canConnect(cluster, { name: 'controller', namespace: 'ingress-nginx', ip: '10.244.3.3' }, app, 8080)).toBe(true);
    expect(canConnect(cluster, { name: 'alb', ip: '10.0.1.7' }, app, 8080)).toBe(false);
  });

  // Before: className "alb" still wrote trafficRouting.nginx and admitted only namespace ingress-nginx.
  test('alb: trafficRouting.alb with servicePort, a use-annotation backend, IP targets, traffic admitted from the VPC', () => {
    const manifests = chartWith({ className: 'alb', sourceCidr: '10.0.0.0/16' });
    const rollout = objectOf(manifests, 'Rollout');
    expect(rollout.spec.strategy.canary.trafficRouting).toEqual({ alb: { ingress: 'shop', servicePort: 80 } });
    const ingress = objectOf(manifests, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations).toEqual({ 'alb.ingress.kubernetes.io/target-type': 'ip' });
    // The rule names the stable Service, whose action annotation Argo writes.
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop', port: { name: 'use-annotation' } });
    for (const m of manifests) expect(() => validateObject(m)).not.toThrow();
    const cluster = {
      namespaces: {
        'ingress-nginx': { 'kubernetes.io/metadata.name': 'ingress-nginx' },
        'shop-prod': { 'kubernetes.io/metadata.name': 'shop-prod' },
      },
      policies: manifests.filter((m) => m.kind === 'NetworkPolicy'),
    };
    const app = { name: 'app', namespace: 'shop-prod', labels: rollout.spec.template.metadata.labels, ip: '10.0.20.5' };
    expect(canConnect(cluster, { name: 'alb', ip: '10.0.1.7' }, app, 8080)).toBe(true);
    expect(canConnect(cluster, { name: 'internet', ip: '203.0.113.9' }, app, 8080)).toBe(false);
    expect(canConnect(cluster, { name: 'controller', namespace: 'ingress-nginx', ip: '10.244.3.3' }, app, 8080)).toBe(false);
  });

  test('alb with blue-green: a plain backend on the active Service (no traffic router)', () => {
    const manifests = chartWith({ className: 'alb', sourceCidr: '10.0.0.0/16' }, 'blue-green');
    expect(objectOf(manifests, 'Rollout').spec.strategy.blueGreen.activeService).toBe('shop');
    expect(objectOf(manifests, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop', port: { name: 'http' } });
  });

  test('fails for a class it cannot route, naming it', () => {
    expect(() => chartWith({ className: 'traefik' })).toThrow(
      /kubernetes\.ingress\.className is "traefik"; glidepath splits traffic through ingress-nginx/,
    );
  });
});
