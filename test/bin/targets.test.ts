import * as path from 'node:path';
import { loadDefinitionFile } from '../../lib/model/load';
import { Target, TARGET_DESCRIPTIONS } from '../../lib/targets/target';
import { runbookFileName } from '../../lib/runbook/anchors';

const root = path.resolve(__dirname, '../..');

describe('target registry', () => {
  test('choosing targets loads neither aws-cdk-lib nor cdk8s', () => {
    jest.isolateModules(() => {
      const { targetsFor, CLI_TARGETS } = require('../../bin/targets') as typeof import('../../bin/targets');
      expect(CLI_TARGETS).toEqual([Target.AWS, Target.KUBERNETES, Target.PULUMI]);
      expect(targetsFor(loadDefinitionFile(path.join(root, 'examples/checkout/definition.yaml')))).toEqual([Target.AWS, Target.KUBERNETES]);
      expect(targetsFor(loadDefinitionFile(path.join(root, 'examples/payments-api/definition.ts')))).toEqual([Target.AWS]);
    });
    const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](aws-cdk-lib|cdk8s|cdk8s-plus-28|@pulumi)[\\/]/.test(f));
    expect(loaded).toEqual([]);
  });

  test('the Pulumi runbook renders from the plan: it loads neither aws-cdk-lib, cdk8s nor @pulumi/*', () => {
    jest.isolateModules(() => {
      const { synthesizeTargets } = require('../../bin/targets') as typeof import('../../bin/targets');
      const definition = loadDefinitionFile(path.join(root, 'examples/checkout/definition.yaml'));
      const { files, warnings } = synthesizeTargets(definition, [Target.PULUMI], ['prod'], undefined, 'runbook');
      expect(warnings).toEqual([]);
      expect(files['runbooks/checkout-prod.pulumi.md']).toContain('pulumi up --stack prod --yes');
    });
    const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](aws-cdk-lib|cdk8s|cdk8s-plus-28|@pulumi)[\\/]/.test(f));
    expect(loaded).toEqual([]);
  });

  test('fails when a target cannot deploy the definition, naming the file and the fix', () => {
    const { assertSupported } = require('../../bin/targets') as typeof import('../../bin/targets');
    const file = path.join(root, 'examples/payments-api/definition.ts');
    expect(() => assertSupported(file, loadDefinitionFile(file), [Target.KUBERNETES])).toThrow(
      `${file}: "payments-api" is a function; the k8s target runs containers, use --target aws`,
    );
  });

  test('every target has a title, a scope and a runbook file name', () => {
    expect(Object.keys(TARGET_DESCRIPTIONS).sort()).toEqual(Object.values(Target).sort());
    expect(runbookFileName('checkout', 'prod', Target.AWS)).toBe('checkout-prod.md');
    expect(runbookFileName('checkout', 'prod', Target.KUBERNETES)).toBe('checkout-prod.k8s.md');
    expect(runbookFileName('checkout', 'prod', Target.PULUMI)).toBe('checkout-prod.pulumi.md');
    expect(TARGET_DESCRIPTIONS[Target.KUBERNETES].scope('checkout-prod')).toBe('Kubernetes namespace `checkout-prod`');
  });
});
