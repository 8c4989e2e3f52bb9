import { appConfigLambdaExtensionArn } from '../../lib/plan/appconfig';
import { appConfigLambdaLayerArn, appConfigLambdaLayerRegions } from '../../lib/plan/appconfig-lambda-layers';

/**
 * The AppConfig Lambda extension layers of the regions aws-cdk-lib's region facts do not list, so
 * that `test/aws/appconfig-lambda-layers.test.ts` cannot cross-check them. A second transcription,
 * made for this suite from AWS's page "Understanding available versions of the AWS AppConfig Agent
 * Lambda extension", sections "x86-64 platform" and "ARM64 platform", both tables headed
 * "Version 2.0.17054.0" (the newest release in the page's release notes, 05/14/2026), never from
 * glidepath's table:
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
 *
 * Each ARN below is the page's cell as written: the region it names, the publishing account, the
 * layer name (`AWS-AppConfig-Extension` for x86-64, `AWS-AppConfig-Extension-Arm64` for ARM64) and
 * the layer version.
 */
const DOCUMENTED: readonly { region: string; page: string; x86_64: string; arm64: string }[] = [
  {
    region: 'ca-west-1',
    page: 'Canada West (Calgary)',
    x86_64: 'arn:aws:lambda:ca-west-1:436199621743:layer:AWS-AppConfig-Extension:172',
    arm64: 'arn:aws:lambda:ca-west-1:436199621743:layer:AWS-AppConfig-Extension-Arm64:162',
  },
  {
    region: 'ap-east-2',
    page: 'Asia Pacific (Taipei)',
    x86_64: 'arn:aws:lambda:ap-east-2:730335625313:layer:AWS-AppConfig-Extension:147',
    arm64: 'arn:aws:lambda:ap-east-2:730335625313:layer:AWS-AppConfig-Extension-Arm64:121',
  },
  {
    region: 'ap-southeast-4',
    page: 'Asia Pacific (Melbourne)',
    x86_64: 'arn:aws:lambda:ap-southeast-4:307021474294:layer:AWS-AppConfig-Extension:188',
    arm64: 'arn:aws:lambda:ap-southeast-4:307021474294:layer:AWS-AppConfig-Extension-Arm64:173',
  },
  {
    region: 'ap-southeast-5',
    page: 'Asia Pacific (Malaysia)',
    x86_64: 'arn:aws:lambda:ap-southeast-5:631746059939:layer:AWS-AppConfig-Extension:161',
    arm64: 'arn:aws:lambda:ap-southeast-5:631746059939:layer:AWS-AppConfig-Extension-Arm64:136',
  },
  {
    region: 'ap-southeast-6',
    page: 'Asia Pacific (New Zealand)',
    x86_64: 'arn:aws:lambda:ap-southeast-6:381491832265:layer:AWS-AppConfig-Extension:97',
    arm64: 'arn:aws:lambda:ap-southeast-6:381491832265:layer:AWS-AppConfig-Extension-Arm64:87',
  },
  {
    region: 'ap-southeast-7',
    page: 'Asia Pacific (Thailand)',
    x86_64: 'arn:aws:lambda:ap-southeast-7:851725616657:layer:AWS-AppConfig-Extension:134',
    arm64: 'arn:aws:lambda:ap-southeast-7:851725616657:layer:AWS-AppConfig-Extension-Arm64:133',
  },
  {
    region: 'mx-central-1',
    page: 'Mexico (Central)',
    x86_64: 'arn:aws:lambda:mx-central-1:891376990304:layer:AWS-AppConfig-Extension:142',
    arm64: 'arn:aws:lambda:mx-central-1:891376990304:layer:AWS-AppConfig-Extension-Arm64:141',
  },
  {
    region: 'il-central-1',
    page: 'Israel (Tel Aviv)',
    x86_64: 'arn:aws:lambda:il-central-1:895787185223:layer:AWS-AppConfig-Extension:188',
    arm64: 'arn:aws:lambda:il-central-1:895787185223:layer:AWS-AppConfig-Extension-Arm64:171',
  },
];

/**
 * Every region of the page's `arn:aws:` partition, in both tables (34 each, the same ones). The
 * page's China (`arn:aws-cn:`) and GovCloud (`arn:aws-us-gov:`) rows are left out: glidepath
 * builds `arn:aws:` ARNs only, and refuses those regions with its error.
 */
// prettier-ignore
const DOCUMENTED_AWS_PARTITION_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-south-1', 'ap-south-2', 'sa-east-1', 'mx-central-1', 'af-south-1', 'il-central-1', 'me-central-1', 'me-south-1',
];

describe("the AppConfig Lambda extension in the regions only AWS's page lists", () => {
  test.each(DOCUMENTED)('$region ($page): the x86-64 table', ({ region, x86_64 }) => {
    expect(appConfigLambdaLayerArn(region, 'x86_64')).toBe(x86_64);
    expect(appConfigLambdaExtensionArn(region, 'x86_64', 'checkout')).toBe(x86_64);
  });

  test.each(DOCUMENTED)('$region ($page): the ARM64 table', ({ region, arm64 }) => {
    expect(appConfigLambdaLayerArn(region, 'arm64')).toBe(arm64);
    expect(appConfigLambdaExtensionArn(region, 'arm64', 'checkout')).toBe(arm64);
  });

  test("the table's regions are exactly the page's arn:aws: regions", () => {
    expect(DOCUMENTED_AWS_PARTITION_REGIONS).toHaveLength(34);
    expect([...appConfigLambdaLayerRegions()].sort()).toEqual([...DOCUMENTED_AWS_PARTITION_REGIONS].sort());
  });

  test('a region the page does not list has no layer, and the plan refuses it naming the region, the architecture and the fix', () => {
    // us-iso-east-1 (the isolated ISO partition) is in neither of the page's tables.
    expect(appConfigLambdaLayerArn('us-iso-east-1', 'x86_64')).toBeUndefined();
    expect(appConfigLambdaLayerArn('us-iso-east-1', 'arm64')).toBeUndefined();
    expect(() => appConfigLambdaExtensionArn('us-iso-east-1', 'x86_64', 'checkout')).toThrow(
      /^AppConfigFeatureFlags 'checkout': AWS publishes no AppConfig Lambda extension 2\.0\.\d+ \(x86_64\) in us-iso-east-1 \(glidepath knows .*\bca-west-1\b.*\bil-central-1\b.*\); use one of those regions$/,
    );
  });

  test("the page's GovCloud and China rows are refused (other partitions), not given an arn:aws: ARN", () => {
    for (const region of ['us-gov-west-1', 'us-gov-east-1', 'cn-north-1', 'cn-northwest-1']) {
      expect(appConfigLambdaLayerArn(region, 'x86_64')).toBeUndefined();
      expect(() => appConfigLambdaExtensionArn(region, 'arm64', 'checkout')).toThrow(`(arm64) in ${region} (glidepath knows`);
    }
  });
});
