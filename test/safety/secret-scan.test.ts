import { parseAllDocuments } from 'yaml';
import { exampleArtifacts, type ExampleName } from '../support/example-outputs';

const EXAMPLES: ExampleName[] = ['checkout', 'payments-api', 'storefront-web'];

/** Credential shapes, written independently of the model's own detector so each checks the other. */
const CREDENTIAL_SHAPES: [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret access key assignment', /aws_secret_access_key\s*[=:]\s*\S+/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['Slack token', /\bxox[abpr]-[A-Za-z0-9-]{10,}/],
  ['Stripe key', /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}/],
  ['credentials in a URL', /[a-z]+:\/\/[^/\s:@'"]+:[^/\s@'"]+@/i],
  // Not an ARN (`...:secret:name`), which names a secret without revealing it.
  ['password assignment', /(?<![:\w])(password|passwd|secret)\s*[=:]\s*["']?[^\s"'$<{]{6,}/i],
  ['resolved Secrets Manager reference', /\{\{resolve:secretsmanager:/],
  ['SecretString property', /"SecretString"\s*:/],
];

describe.each(EXAMPLES)('no secret value in any artefact of %s', (example) => {
  const { files } = exampleArtifacts(example);

  test('the scan covers templates or manifests, and runbooks', () => {
    expect(Object.keys(files).some((f) => f.endsWith('.md'))).toBe(true);
    expect(Object.keys(files).some((f) => f.endsWith('.json') || f.endsWith('.yaml'))).toBe(true);
  });

  test.each(CREDENTIAL_SHAPES)('no %s', (_what, shape) => {
    const hits = Object.entries(files)
      .filter(([, text]) => shape.test(text))
      .map(([name]) => name);
    expect(hits).toEqual([]);
  });

  test('no Kubernetes Secret carries data: secrets arrive through ExternalSecrets', () => {
    for (const [name, text] of Object.entries(files).filter(([n]) => n.endsWith('.k8s.yaml'))) {
      const secrets = parseAllDocuments(text)
        .map((d) => d.toJS() as { kind?: string; data?: unknown; stringData?: unknown })
        .filter((o) => o?.kind === 'Secret');
      expect({ name, secrets }).toEqual({ name, secrets: [] });
    }
  });
});

test('the scan finds a planted credential (it has teeth)', () => {
  const planted = 'environment:\n  - name: DB_URL\n    value: postgres://app:hunter2hunter2@db:5432/app\n  - password: hunter2hunter2\n';
  expect(CREDENTIAL_SHAPES.filter(([, shape]) => shape.test(planted)).map(([what]) => what)).toEqual([
    'credentials in a URL',
    'password assignment',
  ]);
  expect(CREDENTIAL_SHAPES.some(([, shape]) => shape.test('arn:aws:secretsmanager:eu-west-1:1:secret:checkout/prod/db-password'))).toBe(
    false,
  );
});
