// Every public entry point, so that the compiler reads every published declaration file.
import * as glidepath from 'glidepath';
import * as aws from 'glidepath/aws';
import * as k8s from 'glidepath/k8s';
import * as pulumi from 'glidepath/pulumi';
import * as testing from 'glidepath/testing';
import definition from './service';

const chartProps: k8s.DeploymentChartProps = { definition, environment: 'dev' };
const stackProps: aws.DeploymentStackProps = { definition, environment: 'staging' };
const environments: readonly glidepath.EnvironmentDefinition[] = definition.environments;

export const used = [chartProps, stackProps, environments, pulumi.DeploymentPlatform.AWS, testing.snapshotOf];
