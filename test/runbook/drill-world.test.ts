import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsWorld } from './drill/aws-world';

/*
 * The simulated AWS account writes an outfile (`aws lambda invoke ... OUTFILE`) as the CLI process
 * the runbook called would: `/dev/stdout` is that process's stdout. Opening `/dev/stdout` in the
 * simulator opened the test runner's own stdout: a socket in a jest worker (ENXIO, the drill's
 * "exit 98"), a file or terminal when jest ran the file in band, so Phase 4 of payments-api failed
 * or passed depending on how jest scheduled the drill.
 */
const stack = {
  name: 'payments-api-prod',
  region: 'eu-west-1',
  template: {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'payments-api-prod' } },
      Live: { Type: 'AWS::Lambda::Alias', Properties: { Name: 'live' } },
    },
  },
};
const invoke = (outfile: string) =>
  ['lambda', 'invoke', '--function-name', 'payments-api-prod', '--qualifier', 'live', '--payload', '{}'].concat([
    '--cli-binary-format',
    'raw-in-base64-out',
    outfile,
    '--region',
    'eu-west-1',
  ]);

test("lambda invoke with /dev/stdout prints the payload, then the response, on the caller's stdout", () => {
  const world = new AwsWorld([stack], '0'.repeat(40));
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-world-'));
  const result = world.aws(invoke('/dev/stdout'), cwd);
  expect(world.problems).toEqual([]);
  expect(result.status).toBe(0);
  // The payload the function returned, then the CLI's own JSON (StatusCode 200, no FunctionError).
  expect(result.stdout.startsWith('{"statusCode":200}')).toBe(true);
  expect(JSON.parse(result.stdout.slice('{"statusCode":200}'.length))).toMatchObject({ StatusCode: 200 });
  expect(fs.readdirSync(cwd)).toEqual([]);
});

test('lambda invoke with a file writes it in the working directory, relative paths included', () => {
  const world = new AwsWorld([stack], '0'.repeat(40));
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-world-'));
  const result = world.aws(invoke('out.json'), cwd);
  expect(result.status).toBe(0);
  expect(fs.readFileSync(path.join(cwd, 'out.json'), 'utf8')).toBe('{"statusCode":200}');
  expect(result.stdout).not.toContain('"statusCode"');
  world.aws(invoke('/dev/null'), cwd);
  expect(fs.readdirSync(cwd)).toEqual(['out.json']);
});
