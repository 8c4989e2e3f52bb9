import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  APPCONFIG_LAMBDA_EXTENSION_VERSION,
  appConfigLambdaLayerArn,
  appConfigLambdaLayerRegions,
  REVIEWED,
  VARIANTS_SINCE,
} from '../../lib/plan/appconfig-lambda-layers';

/** Compares dotted versions numerically (2.0.678 < 2.0.17054). */
const newer = (a: string, b: string) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

describe('the AppConfig Lambda extension layer table', () => {
  test('is at a version that serves feature-flag variants (gradual flags)', () => {
    expect(newer(VARIANTS_SINCE, APPCONFIG_LAMBDA_EXTENSION_VERSION)).toBe(false);
    // aws-cdk-lib's own newest entry, which the table replaces, does not.
    expect(newer(VARIANTS_SINCE, '2.0.181')).toBe(true);
  });

  test("is not stale: reviewed against AWS's page within a year (refresh the table, REVIEWED and the version)", () => {
    const ageDays = (Date.now() - Date.parse(`${REVIEWED}T00:00:00Z`)) / 86_400_000;
    expect(ageDays).toBeLessThan(365);
  });

  // aws-cdk-lib's region facts are an independent transcription of the same AWS page (at 2.0.181):
  // same publishing account per region, and our layer versions are later ones.
  test.each(appConfigLambdaLayerRegions().filter((r) => RegionInfo.get(r).appConfigLambdaArn('2.0.181', 'x86_64')))(
    '%s: same publishing account as aws-cdk-lib, newer layer versions for x86_64 and arm64',
    (region) => {
      for (const arch of ['x86_64', 'arm64'] as const) {
        const ours = appConfigLambdaLayerArn(region, arch)!;
        const theirs = RegionInfo.get(region).appConfigLambdaArn('2.0.181', arch);
        if (!theirs) continue;
        const [accountOurs, versionOurs] = [ours.split(':')[4], Number(ours.split(':').at(-1))];
        const [accountTheirs, versionTheirs] = [theirs.split(':')[4], Number(theirs.split(':').at(-1))];
        expect(accountOurs).toBe(accountTheirs);
        expect(ours.split(':')[6]).toBe(theirs.split(':')[6]);
        expect(versionOurs).toBeGreaterThan(versionTheirs);
      }
    },
  );

  test('covers every region of the examples', () => {
    expect(appConfigLambdaLayerArn('eu-west-1', 'x86_64')).toBe('arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension:303');
    expect(appConfigLambdaLayerArn('eu-west-1', 'arm64')).toBe(
      'arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:241',
    );
  });
});
