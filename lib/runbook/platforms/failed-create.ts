import type { AwsCli } from '../aws-cli';

/**
 * What to do when a first deployment failed and its retry finds a name still taken. Retained
 * resources are `RetainExceptOnCreate`, so the rollback of a failed first create deletes them;
 * a name can still be taken by a resource an older template kept (plain `Retain`) or one created
 * by hand, and Secrets Manager keeps a deleted secret's name for its recovery window.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-restore-secret.html
 */
export function failedCreateNote(aws: AwsCli, stack: string, logGroup: string, secrets: readonly string[]): string {
  const secretSteps = secrets.map(
    (s) =>
      `secret \`${s}\` scheduled for deletion: \`${aws`secretsmanager restore-secret --secret-id ${s}`}\`, then either keep it (import it into the stack) or \`${aws`secretsmanager delete-secret --secret-id ${s} --force-delete-without-recovery`}\``,
  );
  const steps = [
    `delete the stack (it is in ROLLBACK_COMPLETE): \`${aws`cloudformation delete-stack --stack-name ${stack}`}\``,
    `for log group \`${logGroup}\`, export what you need, then \`${aws`logs delete-log-group --log-group-name ${logGroup}`}\``,
    ...secretSteps.map((step) => `for ${step}`),
    'deploy again',
  ];
  return (
    `a failed first deployment of ${stack} rolls back and deletes what it created, retained resources included (RetainExceptOnCreate), so running it again works. ` +
    `If the retry still fails with "already exists", a name is taken by a resource kept from before or made by hand: ${steps.join('; ')}`
  );
}
