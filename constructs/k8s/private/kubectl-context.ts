export { factsWithKubectlContext, withKubectlContext } from '../../../lib/runbook/platforms/kubernetes-context';
