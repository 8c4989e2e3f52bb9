import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';

/*
 * The worker's shared CloudFormation validation (shared-cfn-validation.js) must judge as aws-cdk-lib's
 * own: an App with `@aws-cdk/core:validateAgainstDefaultRules` refuses a template CloudFormation would
 * refuse, also when the engine was built by an earlier App and the report is one it gave before.
 */
const validatingApp = () => new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });

function appWithUnknownProperty(): App {
  const app = validatingApp();
  const stack = new Stack(app, 'Refused');
  new Bucket(stack, 'Bucket');
  new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic', properties: { NoSuchProperty: 'x' } });
  return app;
}

test('a valid template synthesizes', () => {
  const app = validatingApp();
  new Bucket(new Stack(app, 'Valid'), 'Bucket');
  expect(() => app.synth()).not.toThrow();
});

test('a property CloudFormation does not know fails synthesis, the first time and with the report given before', () => {
  expect(() => appWithUnknownProperty().synth()).toThrow(/NoSuchProperty/);
  expect(() => appWithUnknownProperty().synth()).toThrow(/NoSuchProperty/);
});
