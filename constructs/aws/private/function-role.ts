import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * An execution role for a Lambda function that may write only to its own log group, instead of the
 * AWS-managed AWSLambdaBasicExecutionRole (which allows any log group in the account).
 */
export function functionRole(scope: Construct, id: string, logGroup: logs.ILogGroup, description: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description,
  });
  logGroup.grantWrite(role);
  return role;
}
