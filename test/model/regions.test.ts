import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGIONS_FILE, renderRegions } from '../../bin/generate-regions';
import { type DefinitionError, validateDefinition } from '../../lib/model';

const ROOT = path.resolve(__dirname, '..', '..');

function definition(region: string): unknown {
  return {
    service: 'checkout',
    owners: { team: 't', primary: '@a', backup: '@b', channel: '#c' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [{ name: 'prod', region, rollout: { strategy: 'canary' } }],
  };
}

describe('AWS regions', () => {
  test('the committed list is the installed aws-cdk-lib\'s region facts (run "npm run regions" if this fails)', () => {
    expect(fs.readFileSync(path.join(ROOT, REGIONS_FILE), 'utf8')).toBe(renderRegions());
  });

  test('a region aws-cdk-lib knows (eusc-de-east-1) validates; a misspelt one is refused with a suggestion', () => {
    expect(() => validateDefinition(definition('eusc-de-east-1'))).not.toThrow();
    try {
      validateDefinition(definition('eu-wset-1'));
      throw new Error('validated');
    } catch (error) {
      expect((error as DefinitionError).problems.map((p) => p.message)).toEqual([
        'environments[0].region is "eu-wset-1"; it must be an AWS region such as "eu-west-1" (did you mean "eu-west-1"?), one of those in aws-cdk-lib\'s region facts',
      ]);
    }
  });
});
