import { Testing } from 'cdk8s';
import { Duration } from '../../lib/model';
import { WorkloadPodMonitor } from '../../constructs/k8s';
import { validateObject } from './helpers';

describe('WorkloadPodMonitor', () => {
  const synth = (props: Partial<ConstructorParameters<typeof WorkloadPodMonitor>[2]> = {}) => {
    const chart = Testing.chart();
    const monitor = new WorkloadPodMonitor(chart, 'Monitor', {
      name: 'shop',
      namespace: 'shop-prod',
      selector: { app: 'shop' },
      job: 'shop',
      ...props,
    });
    return { monitor, manifest: Testing.synth(chart)[0] };
  };

  test('scrapes the pods, sets job, and keeps the Argo pod-template hash for canary analysis', () => {
    const { manifest } = synth();
    expect(manifest.spec).toEqual({
      selector: { matchLabels: { app: 'shop' } },
      podTargetLabels: ['rollouts-pod-template-hash'],
      podMetricsEndpoints: [
        { port: 'http', path: '/metrics', interval: '30s', relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'shop' }] },
      ],
    });
    expect(() => validateObject(manifest)).not.toThrow();
  });

  test('port, path and interval are configurable', () => {
    const { manifest, monitor } = synth({ port: 'metrics', path: '/prom', interval: Duration.seconds(15) });
    expect(manifest.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'metrics', path: '/prom', interval: '15s' });
    expect(monitor.runbookFacts().resources).toEqual([{ type: 'monitoring.coreos.com/PodMonitor', name: 'shop' }]);
  });
});
