/** Labels of the smoke-test Job and its pods (the NetworkPolicies let them reach the workload). */
export function smokeTestPodLabels(service: string): Record<string, string> {
  return { 'app.kubernetes.io/component': 'smoke-tests', 'app.kubernetes.io/part-of': service };
}
