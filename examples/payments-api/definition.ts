import { defineService, Duration, HeartbeatService, RolloutStrategy, SmokeMethod } from '../../lib/model';

/**
 * The payments API: a Lambda function behind API clients, shifted by CodeDeploy.
 * A canary in every environment; prod waits at 20 % and requires an approval.
 */
export const definition = defineService(
  {
    service: 'payments-api',
    description: 'Authorizes and captures card payments for checkout',
    owners: {
      team: 'payments',
      primary: '@ana.costa',
      backup: '@li.wei',
      channel: '#payments-releases',
    },
    workload: {
      function: {
        runtime: 'nodejs24.x',
        handler: 'index.handler',
        code: 'src',
        memoryMiB: 512,
        timeout: '15s',
        environment: { LOG_LEVEL: 'info' },
      },
    },
    secrets: [
      {
        name: 'card-processor-api-key',
        envVar: 'CARD_PROCESSOR_API_KEY',
        existing: { secretName: 'payments-api/{env}/card-processor-api-key' },
      },
    ],
    alarms: {
      critical: { errorRatePercent: 2, p99LatencyMs: 2500 },
      warning: { errorRatePercent: 1, p95LatencyMs: 1000 },
      // 3 of 5 two-minute periods: a 2x regression sits right at the trigger, so each period is a
      // coin toss; longer periods and five chances let the canary step catch it. One 30-second
      // burst of failures breaches two periods when it falls across a period's end, so it takes a
      // third to roll back (with 2 of 3 such a blip rolled a healthy release back 17% of the time).
      // See glidepath check.
      rollbackTrigger: {
        baselineErrorRatePercent: 0.5,
        errorRateMultiplier: 2,
        evaluation: { period: '2m', evaluationPeriods: 5, datapointsToAlarm: 3 },
      },
    },
    deadMansSwitch: { missingFor: '10m' },
    // Pages and alarm descriptions link to the section of the alarm that fired.
    runbookBaseUrl: 'https://runbooks.acme.example/payments-api',
    // Who hears about alerts. Credentials are the names of Secrets Manager secrets, never values.
    receivers: {
      critical: { opsgenie: { apiKeySecret: 'payments-api/{env}/opsgenie-api-key' } },
      warning: {
        teams: {
          teamId: '5f0c2a1e-8d3b-4c6a-9e7f-1a2b3c4d5e6f',
          tenantId: '0e1d2c3b-4a59-4687-8796-a5b4c3d2e1f0',
          channelId: '19%3Apayments-alerts%40thread.tacv2',
          webhookUrlSecret: 'payments-api/{env}/teams-webhook-url',
        },
      },
      heartbeat: { service: HeartbeatService.HEALTHCHECKS, urlSecret: 'payments-api/{env}/healthchecks-ping-url' },
    },
    featureFlags: [
      {
        name: 'network-tokens',
        description: 'Authorize with card network tokens instead of PANs',
        enabled: true,
        rollout: { internalFirst: true, percent: 5 },
      },
    ],
    // Run by the CodeDeploy pre-traffic hook against the new version, before any traffic shifts.
    smokeTests: {
      attempts: 2,
      timeout: '5s',
      checks: [
        {
          name: 'authorize',
          method: SmokeMethod.POST,
          path: '/authorize',
          body: '{"amount": 1}',
          bodyContains: 'authorized',
          maxLatencyMs: 1500,
        },
        {
          name: 'rejects-zero-amount',
          method: SmokeMethod.POST,
          path: '/authorize',
          body: '{"amount": 0}',
          expectedStatus: 400,
          maxLatencyMs: 1500,
        },
      ],
    },
    // The 30-minute canary gives a 2x regression enough invocations to be caught at quiet traffic
    // (glidepath check); a revert deploys through it, so level 3 gets a budget that includes it.
    rollbackBudgets: { code: Duration.minutes(35) },
    environments: [
      {
        name: 'staging',
        region: 'us-east-1',
        // Contract tests from the checkout team's staging load generator call it during releases.
        traffic: { peakRequestsPerSecond: 150, quietRequestsPerSecond: 100 },
        rollout: {
          strategy: RolloutStrategy.CANARY,
          stages: [
            { name: 'canary', trafficPercent: 25, bake: '30m' },
            { name: 'full', trafficPercent: 100, bake: '10m' },
          ],
        },
      },
      {
        name: 'prod',
        region: 'us-east-1',
        // Releases run in business hours: at least 120 authorizations a second then.
        traffic: { peakRequestsPerSecond: 600, quietRequestsPerSecond: 120 },
        rollout: {
          strategy: RolloutStrategy.CANARY,
          rationale:
            'Payment failures are costly; 20% of traffic for 30 minutes catches a 2x regression (90% at the quietest business-hours traffic) before it reaches most customers.',
          stages: [
            { name: 'canary', trafficPercent: 20, bake: Duration.minutes(30), validation: 'Authorization error rate at or below 0.5%' },
            { name: 'full', trafficPercent: 100, bake: '30m', validation: 'All alarms OK through the rollback window' },
          ],
        },
      },
    ],
  },
  { source: 'examples/payments-api/definition.ts', baseDirectory: __dirname },
);

export default definition;
