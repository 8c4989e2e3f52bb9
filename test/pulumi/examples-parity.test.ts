import * as path from 'node:path';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { loadDefinitionFile } from '../../lib/model';
import { checkout, installMocks, network, payments, setMockRegion, settle } from './helpers';

/* Every example, every environment: the Pulumi AWS target deploys every part DeploymentStack deploys. */
installMocks('prod');
const storefront = loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'storefront-web', 'definition.yaml'));
const cases = [checkout(), payments(), storefront].flatMap((d) =>
  d.environments.map((e) => [`${d.service} ${e.name}`, d, e.name] as const),
);

test.each(cases)('%s: no missing parts and no warning about them', async (_, definition, environment) => {
  setMockRegion(definition.environments.find((e) => e.name === environment)!.region ?? 'eu-west-1');
  const component = new DeploymentComponent(`${definition.service}-${environment}-parity`, {
    definition,
    environment,
    platform: DeploymentPlatform.AWS,
    network: definition.workload.container ? network : undefined,
  });
  await settle();
  expect(component.warnings.filter((w) => /not deployed by the Pulumi target/.test(w))).toEqual([]);
});
