import type { Incident } from './incidents';
import {
  analysisFailed,
  podCannotReadItsJob,
  previousReleaseSetMore,
  prometheusDown,
  REMOVED_ANNOTATION,
  runsPreviousRelease,
  type Evidence,
} from './k8s-evidence';
import { MIGRATION_ERROR } from './k8s-observed';
import type { SectionResult } from './run';

/*
 * Kubernetes diagnoses and phases walked through on a cluster in the state an incident leaves: the
 * oracle is what the reader SEES in what the section printed (SectionResult.stdout, not what a
 * `$(…)` captured), never a comparison with the runbook's own output. A diagnosis is for the reader
 * at 3 a.m. to see the evidence the incident left (the failing container's line, attributed to its
 * pod and container; the newest Warning event last, where the cursor is; the failed AnalysisRun's
 * message), in output short enough to read.
 */

/**
 * At most this many lines per section: about five screens of a 50-line terminal. Beyond it the
 * evidence scrolls away (a migration's whole log, every pod's full history).
 */
export const READABLE_LINES = 250;

function expectThat(ok: boolean, failure: string): string[] {
  return ok ? [] : [failure];
}

/** The evidence's line is printed, prefixed by the pod and container that wrote it. */
function seesLine(r: SectionResult, e: Evidence): string[] {
  const lines = r.stdout.split('\n');
  return expectThat(
    lines.some((l) => l.includes(e.text) && (!e.source || l.startsWith(e.source))),
    `the reader does not see ${e.source ?? ''} "${e.text}" in what the section printed`,
  );
}

/** The newest Warning event is printed after every other event: last, where the reader looks first. */
function seesNewestEventLast(r: SectionResult, e: Evidence): string[] {
  if (!e.event) return [];
  const lines = r.stdout.split('\n');
  const events = lines.map((l, i) => ({ l, i })).filter(({ l }) => /\t(Normal|Warning)\t/.test(l));
  const newest = events.find(({ l }) => l.includes(`\t${e.event!.reason}\t${e.event!.object}\t`));
  if (!newest) return [`the reader does not see the newest Warning event (${e.event.reason} ${e.event.object})`];
  return expectThat(
    events.every(({ i }) => i <= newest.i),
    `the newest Warning event (${e.event.reason} ${e.event.object}) is not printed last among the events`,
  );
}

function readable(r: SectionResult): string[] {
  const n = r.stdout.split('\n').length;
  return expectThat(n <= READABLE_LINES, `the section printed ${n} lines (more than ${READABLE_LINES}: the evidence scrolls away)`);
}

/** The workload alerts each runbook pages for, by anchor suffix. */
const ALERTS: Record<string, readonly string[]> = {
  'checkout-staging': [
    'critical-error-rate',
    'critical-latency-p99',
    'warning-error-rate',
    'warning-latency-p95',
    'warning-cpu',
    'warning-memory',
    'dead-mans-switch',
    'rollout-paused',
    'rollout-failed',
  ],
  'checkout-dev': [
    'critical-error-rate',
    'critical-latency-p99',
    'warning-error-rate',
    'warning-latency-p95',
    'warning-cpu',
    'warning-memory',
    'dead-mans-switch',
  ],
};

/** One scenario per alert section and per "What changed?": a pod of an older revision crash-loops in its init container. */
function stalePodScenarios(env: string): Incident[] {
  return [
    ...ALERTS[env].map((a) => ({ anchor: `${env}-${a}`, heading: new RegExp(`^${env}-${a}$`) })),
    {
      anchor: '',
      heading: /^What changed\?$/,
    },
  ].map(({ anchor, heading }): Incident => {
    let evidence: Evidence | undefined;
    return {
      name: `${env}: ${anchor || 'what changed?'}: a pod of an older revision cannot read its migration Job (403) and crash-loops in its init container`,
      runbook: `${env}.k8s.md`,
      heading,
      untimed: true,
      setup: (w) => {
        if (anchor) w.k8s!.alertFires(anchor);
        evidence = podCannotReadItsJob(w.k8s!);
      },
      check: (r) => [...(anchor ? seesLine(r, evidence!) : []), ...seesNewestEventLast(r, evidence!), ...readable(r)],
    };
  });
}

/** Expect-lines of Phase 1 the world can check: the secret names, one per line, as the step claims. */
function preflightScenario(env: string, argo: boolean): Incident {
  const secrets = [`checkout/${env.replace('checkout-', '')}/db-password`, `checkout/${env.replace('checkout-', '')}/session-signing-key`];
  return {
    name: `${env}: pre-deployment on a cluster that runs every controller: the reader sees each one running and each secret named`,
    runbook: `${env}.k8s.md`,
    heading: /^Phase 1: Pre-deployment$/,
    untimed: true,
    setup: () => undefined,
    check: (r) => {
      const lines = r.stdout.split('\n');
      return [
        // "Expect: checkout/<env>/db-password": the name alone on its line.
        ...secrets.flatMap((s) => expectThat(lines.includes(s), `the reader does not see "${s}" alone on a line (Expect: ${s})`)),
        // "Expect: one deployment, e.g. deployment.apps/reloader-reloader".
        ...expectThat(lines.includes('deployment.apps/reloader-reloader'), 'the reader does not see deployment.apps/reloader-reloader'),
        // "Expect: at least one pod Running and READY" (the controller runs in its own namespace).
        ...(argo
          ? expectThat(
              lines.some((l) => /^argo-rollouts\targo-rollouts-\S+\t1\/1\tRunning\t/.test(l)),
              'the reader does not see the Argo Rollouts controller pod Running',
            )
          : []),
        ...readable(r),
      ];
    },
  };
}

/**
 * The test page, as the Alertmanager received it: the labels the routing test verified (the
 * environment's own namespace and name), a summary for the person paged, and an end 5 minutes
 * later (`--end`; without it the page lasts Alertmanager's `resolve_timeout`, a setting the runbook
 * does not control: https://prometheus.io/docs/alerting/latest/configuration/#file-layout-and-global-settings).
 */
function pagingScenario(env: string): Incident {
  return {
    name: `${env}: paging check: the pager gets the test page with the environment's labels, a summary, and an end 5 minutes later`,
    runbook: `${env}.k8s.md`,
    heading: /^Check that paging works$/,
    untimed: true,
    setup: () => undefined,
    check: (r) => {
      const alerts = r.world.k8s!.alertmanager('monitoring')?.alerts ?? [];
      const page = alerts.find((a) => a.labels.alertname === 'GlidepathPagingTest');
      if (!page) return ['no test page reached the Alertmanager'];
      const minutes = (Date.parse(page.endsAt ?? '') - Date.now()) / 60_000;
      return [
        ...expectThat(
          page.labels.namespace === env && page.labels.environment === env.replace(/^checkout-/, '') && page.labels.service === 'checkout',
          `the test page is labelled ${JSON.stringify(page.labels)}`,
        ),
        ...expectThat(
          typeof page.annotations.summary === 'string' &&
            page.annotations.summary.length > 0 &&
            !/\d{4}-\d\d-\d\dT/.test(page.annotations.summary),
          `the test page's summary is ${JSON.stringify(page.annotations.summary)}`,
        ),
        ...expectThat(minutes > 3 && minutes <= 5, `the test page ends ${minutes.toFixed(1)} minutes from now, not 5`),
      ];
    },
  };
}

export const K8S_SCENARIOS: readonly Incident[] = [
  ...['checkout-staging', 'checkout-dev'].map((env): Incident => ({
    name: `${env}: pre-deployment review of a release that stops setting a pod-template annotation: the diff shows the removal (exit 1: differences found)`,
    runbook: `${env}.k8s.md`,
    heading: /^Phase 1: Pre-deployment$/,
    untimed: true,
    stops: true,
    setup: (w) => previousReleaseSetMore(w.k8s!),
    check: (r) =>
      expectThat(
        r.stdout.split('\n').some((l) => l.startsWith('-') && l.includes(REMOVED_ANNOTATION)),
        `the reader reviewing the diff does not see ${REMOVED_ANNOTATION} removed`,
      ),
  })),
  ...['checkout-staging', 'checkout-dev'].map((env): Incident => ({
    name: `${env}: migration procedure followed for a migration whose Job completed: it stops before touching anything`,
    runbook: `${env}.k8s.md`,
    heading: /^Incident: migration failed halfway/,
    prefix: 'MIGRATION=add-order-notes',
    untimed: true,
    stops: true,
    setup: () => undefined,
    check: (r) => {
      const k8s = r.world.k8s!;
      return [
        ...expectThat(k8s.rollout.actions.length === 0, `rollout actions: ${k8s.rollout.actions.join()}`),
        ...expectThat((k8s.deployment?.actions ?? []).length === 0, `Deployment actions: ${k8s.deployment?.actions.join()}`),
        ...expectThat(k8s.objectsOf(['Job']).length > 0, 'the completed migration Job was deleted'),
      ];
    },
  })),
  pagingScenario('checkout-staging'),
  pagingScenario('checkout-dev'),
  ...['checkout-staging', 'checkout-dev'].map((env): Incident => ({
    name: `${env}: migration failed halfway: the reader sees the database's error at the end of the Job's long log`,
    runbook: `${env}.k8s.md`,
    heading: /^Incident: migration failed halfway/,
    prefix: 'MIGRATION=add-order-notes',
    setup: (w) => w.k8s!.migrationFailed(),
    check: (r) => {
      const k8s = r.world.k8s!;
      return [
        ...expectThat(k8s.failedJobs.length > 0, 'no migration Job failed: the incident was not set up'),
        ...k8s.failedJobs.flatMap((j) => expectThat(k8s.jobConditions(j) === 'Complete', `Job ${j} is "${k8s.jobConditions(j)}"`)),
        ...expectThat(
          r.stdout.split('\n').includes(`ERROR: ${MIGRATION_ERROR}`),
          'the reader does not see the error the migration ended with',
        ),
        ...readable(r),
      ];
    },
  })),
  ...stalePodScenarios('checkout-staging'),
  ...stalePodScenarios('checkout-dev'),
  preflightScenario('checkout-staging', true),
  preflightScenario('checkout-dev', false),
  ...['checkout-staging', 'checkout-dev'].map((env): Incident => {
    let evidence: Evidence | undefined;
    return {
      name: `${env}: Watchdog stopped: Prometheus crash-loops in namespace monitoring`,
      runbook: `${env}.k8s.md`,
      heading: new RegExp(`^${env}-watchdog$`),
      untimed: true,
      setup: (w) => {
        evidence = prometheusDown(w.k8s!);
      },
      check: (r) => [
        ...expectThat(
          r.stdout.split('\n').some((l) => l.startsWith(`monitoring\t${evidence!.text}`)),
          `the reader does not see monitoring/${evidence!.text.split('\t')[0]} crash-looping`,
        ),
        ...readable(r),
      ],
    };
  }),
  (() => {
    let evidence: Evidence | undefined;
    return {
      name: 'checkout-staging: the canary analysis failed: the reader sees the failed AnalysisRun, not an older successful one',
      runbook: 'checkout-staging.k8s.md',
      heading: /^checkout-staging-rollback-error-rate$/,
      untimed: true,
      setup: (w) => {
        evidence = analysisFailed(w.k8s!, 'checkout');
      },
      check: (r) => [...seesLine(r, evidence!), ...readable(r)],
    } satisfies Incident;
  })(),
  {
    name: 'checkout-staging: a release on a quiet night: the analysis is Inconclusive and the rollout pauses; the wait gives up and says Paused',
    runbook: 'checkout-staging.k8s.md',
    heading: /^Phase 3: App deployment$/,
    untimed: true,
    stops: true,
    setup: (w) => {
      runsPreviousRelease(w.k8s!);
      w.k8s!.canaryPaused({ routed: true });
    },
    check: (r) => [
      ...expectThat(/^Paused/m.test(r.stdout), 'the reader does not see that the rollout is Paused'),
      // "Expect: every object "serverside-applied" or "unchanged"".
      ...expectThat(
        r.stdout
          .split('\n')
          .filter((l) => /^[a-z.]+\/\S+ [a-z-]+$/.test(l))
          .every((l) => / (serverside-applied|unchanged)$/.test(l)),
        'kubectl apply did not report every object serverside-applied or unchanged',
      ),
    ],
  },
  {
    name: 'checkout-dev: a release: every object serverside-applied or unchanged, as the step expects',
    runbook: 'checkout-dev.k8s.md',
    heading: /^Phase 3: App deployment$/,
    untimed: true,
    setup: (w) => runsPreviousRelease(w.k8s!),
    check: (r) => {
      const applied = r.stdout.split('\n').filter((l) => /^[a-z.]+\/\S+ [a-z-]+$/.test(l));
      return expectThat(
        applied.length > 0 && applied.every((l) => / (serverside-applied|unchanged)$/.test(l)),
        `kubectl apply printed ${JSON.stringify(applied.slice(0, 3))}, not serverside-applied`,
      );
    },
  },
  ...['checkout-staging', 'checkout-dev'].map((env): Incident => ({
    name: `${env}: level 1 kill switch: the flags ConfigMap is applied server-side, as the step expects`,
    runbook: `${env}.k8s.md`,
    heading: /^Level 1/,
    setup: () => undefined,
    // Each step: "Expect: configmap/checkout-feature-flags serverside-applied".
    check: (r) => {
      const applied = r.stdout.split('\n').filter((l) => l.startsWith('configmap/checkout-feature-flags '));
      return expectThat(
        applied.length > 0 && applied.every((l) => l === 'configmap/checkout-feature-flags serverside-applied'),
        `kubectl apply printed ${JSON.stringify(applied)}, not configmap/checkout-feature-flags serverside-applied at each step`,
      );
    },
  })),
];
