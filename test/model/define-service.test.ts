import { defineService } from '../../lib/model/validate';
import { RolloutStrategy } from '../../lib/model/rollout';

describe('defineService', () => {
  test('takes the same spellings as YAML for enums, as well as the enum members', () => {
    // Type-checked by `tsc` in npm test: string spellings of enums compile.
    const definition = defineService({
      service: 'orders',
      owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#orders' },
      receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
      workload: { container: { image: 'public.ecr.aws/acme/orders:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
      environments: [
        { name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' } },
        {
          name: 'prod',
          region: 'eu-west-1',
          tls: { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' },
          rollout: { strategy: RolloutStrategy.BLUE_GREEN },
        },
      ],
    });
    expect(definition.environments.map((e) => e.rollout.strategy)).toEqual([RolloutStrategy.CANARY, RolloutStrategy.BLUE_GREEN]);
  });
});
