import { type Construct } from 'constructs';
import { App, Chart, type ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { loadDefinitionFile } from 'glidepath';
import { DeploymentChart, writeRunbooks } from 'glidepath/k8s';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { }) {
    super(scope, id, props);

    // define resources here
    // The user's own resources, with the cdk8s-plus-33 that cdk8s init installs.
    new kplus.ConfigMap(this, 'Settings', { data: { GREETING: 'hello' } });

  }
}

const app = new App();
new MyChart(app, 'trial-k8s');
// What the user adds: one chart per environment of the definition; cdk8s writes dist/<id>.k8s.yaml.
const definition = loadDefinitionFile('service.yaml');
for (const environment of definition.environments) {
  new DeploymentChart(app, `${definition.service}-${environment.name}`, { definition, environment: environment.name });
}
app.synth();
// The runbooks, where the alerts' runbook_url links: dist/runbooks/<service>-<env>.k8s.md.
writeRunbooks(app);
