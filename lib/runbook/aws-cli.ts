/**
 * Builds AWS CLI command lines that always name the region of the environment, so a runbook
 * command does the same thing whatever the on-call engineer's default region is.
 *
 * Used as a tag: ``aws`ecs describe-services --cluster ${cluster}` `` gives
 * `aws ecs describe-services --cluster checkout-prod --region eu-west-1`.
 */
export type AwsCli = (strings: TemplateStringsArray, ...values: readonly (string | number)[]) => string;

/**
 * The region expression for a command: the literal region, or `"$AWS_REGION"` when the stack's
 * region is only known at deploy time (the prerequisites section asks for it to be exported).
 */
export function regionArgument(region: string | undefined): string {
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : '"$AWS_REGION"';
}

/** A tag that renders `aws <service> <operation> <args> --region <region>`. */
export function awsCli(region: string | undefined): AwsCli {
  const r = regionArgument(region);
  return (strings, ...values) => {
    const body = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '').trim();
    return `aws ${body} --region ${r}`;
  };
}
