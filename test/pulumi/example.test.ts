import * as pulumi from '@pulumi/pulumi';
import { installMocks, settle, valueOf } from './helpers';

/* The example program runs under mocks with the stack configuration a user would set. */
const registered = installMocks('prod', 'pulumi-checkout');

test('examples/pulumi-checkout deploys the checkout prod environment and exports the service URL', async () => {
  pulumi.runtime.setAllConfig({
    'pulumi-checkout:vpcId': 'vpc-0123',
    'pulumi-checkout:publicSubnetIds': '["subnet-pub-a","subnet-pub-b"]',
    'pulumi-checkout:privateSubnetIds': '["subnet-priv-a","subnet-priv-b"]',
  });

  const program = require('../../examples/pulumi-checkout/index') as {
    serviceUrl: pulumi.Output<string | undefined>;
    alarmNames: pulumi.Output<string[]>;
  };
  await settle();
  expect(registered.find((r) => r.type === 'glidepath:index:Deployment')?.name).toBe('checkout-prod');
  expect(registered.find((r) => r.type === 'aws:ecs/service:Service')?.inputs.name).toBe('checkout-prod');
  expect(await valueOf(program.serviceUrl)).toBe('https://checkout.acme.example');
  expect(await valueOf(program.alarmNames)).toHaveLength(8);
});
