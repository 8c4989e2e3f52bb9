#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { loadDefinitionFile } from 'glidepath';
import { DeploymentStack } from 'glidepath/aws';
import { TrialAppStack } from '../lib/trial-app-stack';

const app = new cdk.App();
new TrialAppStack(app, 'TrialAppStack', { env: { region: 'eu-west-1' } });

// One stack per environment, with the id the generated workflow deploys: <service>-<environment>.
const definition = loadDefinitionFile('service.yaml');
for (const environment of definition.environments) {
  new DeploymentStack(app, `${definition.service}-${environment.name}`, { definition, environment: environment.name });
}
