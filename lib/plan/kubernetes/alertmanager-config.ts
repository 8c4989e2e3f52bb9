/** A key of a Secret in the AlertmanagerConfig's namespace. */
export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

/** A label matcher (`matchType` `=`, `!=`, `=~`, `!~`). */
export interface AlertmanagerMatcher {
  readonly name: string;
  readonly value: string;
  readonly matchType: '=' | '!=' | '=~' | '!~';
}

/** A route of an AlertmanagerConfig. */
export interface AlertmanagerRoute {
  readonly receiver: string;
  readonly matchers: readonly AlertmanagerMatcher[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
  readonly continue?: boolean;
}

/** A receiver: the integrations glidepath writes. */
export interface AlertmanagerReceiver {
  readonly name: string;
  readonly pagerdutyConfigs?: readonly { readonly routingKey: SecretKeySelector; readonly sendResolved: boolean }[];
  readonly opsgenieConfigs?: readonly { readonly apiKey: SecretKeySelector; readonly sendResolved: boolean }[];
  readonly webhookConfigs?: readonly { readonly urlSecret: SecretKeySelector; readonly sendResolved: boolean }[];
  readonly slackConfigs?: readonly { readonly apiURL: SecretKeySelector; readonly sendResolved: boolean; readonly channel?: string }[];
  readonly msteamsConfigs?: readonly { readonly webhookUrl: SecretKeySelector; readonly sendResolved: boolean }[];
}

/** `monitoring.coreos.com/v1alpha1` AlertmanagerConfig spec (the fields glidepath sets). */
export interface AlertmanagerConfigSpec {
  readonly route: {
    readonly receiver: string;
    readonly groupBy: readonly string[];
    readonly groupWait: string;
    readonly groupInterval: string;
    readonly repeatInterval: string;
    readonly routes: readonly AlertmanagerRoute[];
  };
  readonly receivers: readonly AlertmanagerReceiver[];
  readonly inhibitRules: readonly {
    readonly sourceMatch: readonly AlertmanagerMatcher[];
    readonly targetMatch: readonly AlertmanagerMatcher[];
    readonly equal: readonly string[];
  }[];
}
