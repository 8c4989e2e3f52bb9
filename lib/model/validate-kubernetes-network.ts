import type { EnvironmentDefinition } from './environment';
import { IngressController } from './kubernetes';
import { problem, type Problem } from './problems';
import type { ServiceDefinition } from './service-definition';

/** Secret names or variables that hold database credentials, by the usual spellings. */
const DATABASE_SECRET = /(^|[-_/])(db|database|postgres(ql)?|pg|mysql|mariadb|mongo(db)?|redis)([-_/]|$)/i;

/**
 * Rules of the Kubernetes target about the network the pods get, checked before anything is
 * rendered (the NetworkPolicies deny every connection not listed, so a definition these rules
 * refuse would deploy and then fail at run time):
 *
 * - migrations, or a secret that holds database credentials, need at least one
 *   `kubernetes.egress` entry (the database); otherwise the migration Job fails at its deadline
 *   and the app cannot connect;
 * - migrations need `kubernetes.apiServerCidr`: their gate reads the Job from the API server,
 *   and nothing else may reach port 443 or 6443;
 * - the Ingress class must be one glidepath routes traffic through (ingress-nginx or the AWS Load
 *   Balancer Controller), and "alb" needs `kubernetes.ingress.sourceCidr`.
 *
 * The Kubernetes target calls it before rendering (the AWS target has security groups), and
 * `glidepath validate` calls it first for container services (validate/kubernetes-network.ts).
 */
export function kubernetesNetworkProblems(
  definition: ServiceDefinition,
  env: EnvironmentDefinition,
  /** Where `kubernetes.<field>` is written (validate points at the environment's override). @default - `kubernetes.<field>` */
  at: (...field: string[]) => PropertyKey[] = (...field) => ['kubernetes', ...field],
): Problem[] {
  const kube = env.kubernetes;
  const problems: Problem[] = [];
  const databaseSecrets = env.secrets.filter((s) => DATABASE_SECRET.test(s.name) || DATABASE_SECRET.test(s.envVar));
  if (kube.egress.length === 0 && (definition.migrations.length > 0 || databaseSecrets.length > 0)) {
    const why =
      definition.migrations.length > 0
        ? `the migrations (${definition.migrations.map((m) => `"${m.name}"`).join(', ')}) must reach the database`
        : `secret "${databaseSecrets[0].name}" (${databaseSecrets[0].envVar}) is a database credential, so the pods must reach the database`;
    problems.push(
      problem(
        at('egress'),
        [],
        `${why}, but the NetworkPolicy of environment "${env.name}" allows only DNS; add the database, e.g. kubernetes.egress: [{ cidr: "10.0.32.0/20", port: 5432 }]`,
      ),
    );
  }
  if (definition.migrations.length > 0 && !kube.apiServerCidr) {
    problems.push(
      problem(
        at('apiServerCidr'),
        undefined,
        `the migration gate of environment "${env.name}" reads its Job from the Kubernetes API, and the NetworkPolicy opens 443/6443 only to the API server; set it to the block of "kubectl get endpoints kubernetes -n default -o jsonpath='{.subsets[*].addresses[*].ip}'", e.g. "10.0.0.0/16"`,
      ),
    );
  }
  if (kube.ingress.controller === undefined) {
    problems.push(
      problem(
        at('ingress', 'className'),
        kube.ingress.className,
        `glidepath splits traffic through ingress-nginx (class "nginx") or the AWS Load Balancer Controller (class "alb"), which Argo Rollouts routes; set kubernetes.ingress.controller to "nginx" or "alb" if one of them serves this class`,
      ),
    );
  }
  if (kube.ingress.controller === IngressController.ALB && !kube.ingress.sourceCidr) {
    problems.push(
      problem(
        at('ingress', 'sourceCidr'),
        undefined,
        'the AWS Load Balancer Controller in IP target mode sends traffic from the load balancer\'s addresses in the VPC, which the NetworkPolicy must admit; set it to the VPC CIDR, e.g. "10.0.0.0/16"',
      ),
    );
  }
  return problems;
}
