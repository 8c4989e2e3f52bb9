import { problem, type Problem } from '../problems';

/** Plain configuration keys and values that look like credentials. */
const SECRET_KEY = /(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential)/i;
const SECRET_VALUE = [
  /AKIA[0-9A-Z]{16}/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(ghp|gho|github_pat)_[A-Za-z0-9_]{20,}/,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/, // Slack token
  /\bsk_(live|test)_[A-Za-z0-9]{16,}/, // Stripe key
  /:\/\/[^/\s:@]+:[^/\s@]+@/, // credentials inside a URL
];

/** CloudWatch evaluates at most one day of datapoints per alarm. */
export const ONE_DAY_SECONDS = 86400;

/** Whether a plain value looks like a credential (keys, tokens, passwords in URLs, bearer tokens). */
export function looksLikeCredential(value: string): boolean {
  return SECRET_VALUE.some((pattern) => pattern.test(value)) || /^(bearer|basic)\s+\S{8,}/i.test(value);
}

/** Refuses plain environment variables that look like credentials. */
export function checkPlainEnvironment(vars: Record<string, string>, at: PropertyKey[], problems: Problem[]): void {
  for (const [key, value] of Object.entries(vars)) {
    // An ARN is a reference (e.g. DB_PASSWORD_SECRET_ARN), not a credential, whatever the key says.
    const reference = /^arn:aws[-a-z]*:/.test(value);
    if ((SECRET_KEY.test(key) && !reference) || SECRET_VALUE.some((pattern) => pattern.test(value))) {
      problems.push(
        problem(
          [...at, key],
          '<redacted>',
          `this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "${key}") with "existing.secretName" or "generate"`,
        ),
      );
    }
  }
}

/** Refuses a value used twice in a list, naming where it was first used. */
export function checkDuplicates(values: (string | undefined)[], at: PropertyKey[], field: string, why: string, problems: Problem[]): void {
  values.forEach((value, i) => {
    const first = values.indexOf(value);
    if (value !== undefined && first !== i) {
      problems.push(problem([...at, i, field], value, `${why}; "${value}" is already used by ${at.join('.')}[${first}]`));
    }
  });
}
