import { defineService } from 'glidepath';

/** A new user's first definition, in TypeScript: what `glidepath validate service.ts` loads. */
export default defineService({
  service: 'my-service',
  owners: { team: 'my-team', primary: '@primary-on-call', backup: '@backup-on-call', channel: '#my-service-releases' },
  workload: { container: { image: 'public.ecr.aws/my-org/my-service:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
  environments: [
    { name: 'dev', region: 'eu-west-1', rollout: { strategy: 'rolling' } },
    { name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' } },
  ],
});
