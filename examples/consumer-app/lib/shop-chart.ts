import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { ExternalSecrets } from 'glidepath/k8s';

/**
 * The shop's Kubernetes namespace for its admin tool: glidepath's External Secrets copy the
 * session key from Secrets Manager, so no value is written into a manifest.
 */
export class ShopAdminChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: 'shop-admin' });
    new ExternalSecrets(this, 'Secrets', {
      namespace: 'shop-admin',
      name: 'shop-admin',
      region: 'eu-west-1',
      secrets: [{ name: 'session-key', envVar: 'SESSION_KEY', secretName: 'shop/web/session-key', rotationDays: 30 }],
    });
  }
}
