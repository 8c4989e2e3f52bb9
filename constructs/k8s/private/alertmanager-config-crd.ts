import type { Construct } from 'constructs';
import type { AlertmanagerConfigSpec } from '../../../lib/plan/kubernetes/alertmanager-config';
import { CustomResource, type CustomResourceProps } from './crds';

export type {
  AlertmanagerConfigSpec,
  AlertmanagerMatcher,
  AlertmanagerReceiver,
  AlertmanagerRoute,
  SecretKeySelector,
} from '../../../lib/plan/kubernetes/alertmanager-config';

/**
 * A prometheus-operator `AlertmanagerConfig`.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1alpha1.AlertmanagerConfig
 */
export class KubeAlertmanagerConfig extends CustomResource<AlertmanagerConfigSpec> {
  public static readonly GVK = { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<AlertmanagerConfigSpec>) {
    super(scope, id, KubeAlertmanagerConfig.GVK, props);
  }
}
