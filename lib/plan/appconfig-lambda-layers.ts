/**
 * The AWS AppConfig Agent Lambda extension layers glidepath attaches, per region: the publishing
 * account and the layer version for x86_64 and arm64, all at extension version
 * `APPCONFIG_LAMBDA_EXTENSION_VERSION`. aws-cdk-lib's fact table stops at 2.0.181 (2023), before
 * feature-flag targets, variants and splits (2.0.678, July 2024), so a gradual flag on Lambda
 * would silently serve its default there.
 *
 * Transcribed from AWS's "Understanding available versions of the AWS AppConfig Agent Lambda
 * extension", x86-64 and ARM64 platform tables headed "Version 2.0.17054.0" (release notes:
 * 2.0.17054.0, 05/14/2026, the newest). Verified row by row on 2026-12-05 against a verbatim
 * copy of that page: all 68 ARNs (34 regions × 2 architectures) match. The page also lists the
 * China (`arn:aws-cn:`) and GovCloud (`arn:aws-us-gov:`) partitions, which this table leaves out
 * (glidepath builds `arn:aws:` ARNs). The test cross-checks every account with aws-cdk-lib's
 * independent fact table and fails when `REVIEWED` is a year old.
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
 */

/** Extension version of every layer in the table. */
export const APPCONFIG_LAMBDA_EXTENSION_VERSION = '2.0.17054';
/** Oldest extension version with feature-flag variants (AWS's release notes: 2.0.678). */
export const VARIANTS_SINCE = '2.0.678';
/** When the table was last compared with AWS's page; the staleness test counts from here. */
export const REVIEWED = '2026-12-05';

/** region, account, x86_64 layer version, arm64 layer version */
const LAYERS: readonly (readonly [string, string, number, number])[] = [
  ['us-east-1', '027255383542', 321, 254],
  ['us-east-2', '728743619870', 277, 229],
  ['us-west-1', '958113053741', 395, 272],
  ['us-west-2', '359756378197', 373, 275],
  ['ca-central-1', '039592058896', 262, 182],
  ['ca-west-1', '436199621743', 172, 162],
  ['eu-central-1', '066940009817', 295, 238],
  ['eu-central-2', '758369105281', 220, 178],
  ['eu-west-1', '434848589818', 303, 241],
  ['eu-west-2', '282860088358', 242, 194],
  ['eu-west-3', '493207061005', 273, 192],
  ['eu-north-1', '646970417810', 367, 226],
  ['eu-south-1', '203683718741', 249, 177],
  ['eu-south-2', '586093569114', 214, 175],
  ['ap-east-1', '630222743974', 254, 182],
  ['ap-east-2', '730335625313', 147, 121],
  ['ap-northeast-1', '980059726660', 272, 225],
  ['ap-northeast-2', '826293736237', 273, 181],
  ['ap-northeast-3', '706869817123', 272, 187],
  ['ap-southeast-1', '421114256042', 258, 210],
  ['ap-southeast-2', '080788657173', 313, 256],
  ['ap-southeast-3', '418787028745', 256, 193],
  ['ap-southeast-4', '307021474294', 188, 173],
  ['ap-southeast-5', '631746059939', 161, 136],
  ['ap-southeast-6', '381491832265', 97, 87],
  ['ap-southeast-7', '851725616657', 134, 133],
  ['ap-south-1', '554480029851', 290, 232],
  ['ap-south-2', '489524808438', 217, 175],
  ['sa-east-1', '000010852771', 327, 215],
  ['mx-central-1', '891376990304', 142, 141],
  ['af-south-1', '574348263942', 260, 188],
  ['il-central-1', '895787185223', 188, 171],
  ['me-central-1', '662846165436', 212, 168],
  ['me-south-1', '559955524753', 254, 182],
];

/** The layer ARN of the extension in `region` for `architecture`, or undefined where AWS publishes none. */
export function appConfigLambdaLayerArn(region: string, architecture: 'x86_64' | 'arm64'): string | undefined {
  const row = LAYERS.find(([r]) => r === region);
  if (!row) return undefined;
  const [, account, x86, arm] = row;
  return architecture === 'arm64'
    ? `arn:aws:lambda:${region}:${account}:layer:AWS-AppConfig-Extension-Arm64:${arm}`
    : `arn:aws:lambda:${region}:${account}:layer:AWS-AppConfig-Extension:${x86}`;
}

/** Regions of the table. */
export function appConfigLambdaLayerRegions(): string[] {
  return LAYERS.map(([r]) => r);
}
