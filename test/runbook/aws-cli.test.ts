import { awsCli, regionArgument } from '../../lib/runbook/aws-cli';

describe('awsCli', () => {
  test('every command names the region, after its own options', () => {
    const aws = awsCli('us-east-1');
    expect(aws`lambda get-alias --function-name ${'payments-api-prod'} --name live`).toBe(
      'aws lambda get-alias --function-name payments-api-prod --name live --region us-east-1',
    );
  });

  test('a region only known at deploy time becomes "$AWS_REGION", which the prerequisites ask for', () => {
    expect(regionArgument(undefined)).toBe('"$AWS_REGION"');
    expect(regionArgument('${Token[AWS.Region.12]}')).toBe('"$AWS_REGION"');
    expect(awsCli(undefined)`ecs list-clusters`).toBe('aws ecs list-clusters --region "$AWS_REGION"');
  });
});
