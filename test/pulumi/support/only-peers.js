/*
 * Runs a Pulumi program of the checkout example in a Node process in which the packages named in
 * GLIDEPATH_BLOCKED cannot be resolved (see block-packages.js). Prints one JSON line:
 * the peers the program loaded, and the error message if it failed.
 * Usage: node only-peers.js <aws|kubernetes>
 */
const path = require('node:path');
const { loadedPackages } = require('./block-packages');

const root = path.resolve(__dirname, '..', '..', '..');
require(path.join(root, 'bin', 'transpile-typescript')).registerTypeScript();

async function main() {
  const platformName = process.argv[2];
  // The program's first import, as in examples/pulumi-checkout (the helpers load @pulumi/pulumi).
  const { DeploymentComponent, DeploymentPlatform } = require(path.join(root, 'constructs', 'pulumi'));
  const helpers = require(path.join(root, 'test', 'pulumi', 'helpers.ts'));
  helpers.installMocks('prod');
  const platform = platformName === 'kubernetes' ? DeploymentPlatform.KUBERNETES : DeploymentPlatform.AWS;
  const component = new DeploymentComponent('checkout-prod', {
    definition: helpers.checkout(),
    environment: 'prod',
    platform,
    network: platform === DeploymentPlatform.AWS ? helpers.network : undefined,
  });
  await helpers.settle();
  const alarms = await helpers.valueOf(component.alarmNames);
  return { alarms: alarms.length };
}

main().then(
  (result) => console.log(JSON.stringify({ ...result, loaded: loadedPackages() })),
  (error) => console.log(JSON.stringify({ error: error.message, loaded: loadedPackages() })),
);
