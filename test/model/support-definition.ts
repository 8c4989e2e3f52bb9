import { DefinitionError, validateDefinition } from '../../lib/model';

/** A small valid container definition with a staging and a prod environment; tests break one thing in a fresh copy. */
export function baseDefinition(): any {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [
      { name: 'staging', rollout: { strategy: 'canary' } },
      { name: 'prod', rollout: { strategy: 'canary' } },
    ],
  };
}

/** The messages of the problems a definition has ([] when valid). */
export function problemsOf(input: unknown): string[] {
  try {
    validateDefinition(input);
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.problems.map((p) => p.message);
  }
}

/** A container service with a prod environment and no receivers; `extra` fields go at the top of the definition. */
export function receiverDefinition(extra: Record<string, unknown> = {}, prod: Record<string, unknown> = {}): any {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    runbookBaseUrl: 'https://runbooks.example.com/checkout',
    ...extra,
    environments: [
      { name: 'staging', rollout: { strategy: 'rolling' } },
      { name: 'prod', rollout: { strategy: 'rolling' }, ...prod },
    ],
  };
}

/** A service-wide PagerDuty pager, its key named per environment. */
export const PAGER = { critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } } };
