import { type Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';

/**
 * `Annotations.fromStack(stack)` without its forced re-synthesis of the whole app: aws-cdk-lib's
 * `fromStack` calls `root.synth({ force: true })`, so asking for the annotations of three stacks of
 * one app synthesizes all three stacks three more times. This reads the messages of the app's
 * assembly (synthesized once, and cached by the app as `Template.fromStack` uses it) and wraps
 * them in the same `Annotations` assertions.
 */
export function annotationsOf(stack: Stack): Annotations {
  const root = stack.node.root;
  if (!Stage.isStage(root)) throw new Error(`${stack.node.path} is not in an App or a Stage`);
  const messages = root.synth().getStackArtifact(stack.artifactId).messages;
  // The constructor is private in the declarations; it takes the artifact's messages (aws-cdk-lib
  // assertions/lib/annotations.ts). Checked below, so a change upstream fails loudly instead of
  // making "no warnings" pass on an empty list.
  const annotations = Reflect.construct(Annotations, [messages]) as Annotations;
  const seen = ['findError', 'findWarning', 'findInfo'] as const;
  const counted = seen.reduce((n, find) => n + annotations[find]('*', Match.anyValue()).length, 0);
  if (counted !== messages.length) {
    throw new Error(
      `annotationsOf(${stack.stackName}): Annotations saw ${counted} of ${messages.length} messages; use Annotations.fromStack`,
    );
  }
  return annotations;
}
