import { Stack, Token } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { awsCli, type AwsCli } from '../../../lib/runbook/aws-cli';

/** The region of the stack a construct is in, when it is a literal. */
export function literalRegion(scope: IConstruct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/** An AWS CLI command builder that names the region of the construct's stack. */
export function awsCliOf(scope: IConstruct): AwsCli {
  return awsCli(literalRegion(scope));
}
