import { parseAwsCall } from './aws-command-model';
import { checkGitOptions, parseGhPrCreate } from './git-world';
import { parseKubectl } from './kubectl-reference';
import { checkEnums } from './planes/sdk-enums';
import type { DrillWorld } from './world';

/** The SDK clients whose enums name what the APIs the runbooks call can return. */
const SDK_CLIENTS = [
  '@aws-sdk/client-ecs',
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-appconfig',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-codedeploy',
  '@aws-sdk/client-codepipeline',
  '@aws-sdk/client-cloudformation',
  '@aws-sdk/client-secrets-manager',
];

/**
 * The simple commands of a bash script, as words (quotes removed, `$VAR` and `$(…)` left as
 * written), including those inside `$(…)` and in branches a drill does not take. Enough of bash's
 * grammar for runbook blocks: quotes, `$(…)`, `${…}`, separators `; | & ( ) && ||`, newlines,
 * redirections, comments, `if/then/elif/else/while/do/!` and leading assignments.
 */
export function simpleCommands(script: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let skipNext = false;
  const endWord = () => {
    if (inWord) {
      if (skipNext) skipNext = false;
      else words.push(word);
    }
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    const KEYWORDS = ['if', 'then', 'elif', 'else', 'while', 'until', 'do', '!', '{', 'time'];
    while (words.length > 0 && (KEYWORDS.includes(words[0]) || /^[A-Za-z_]\w*=/.test(words[0]))) words.shift();
    if (words.length > 0) out.push(words);
    words = [];
  };
  /** Index of the `)` closing a `$(` that starts at `open` (the `(`), skipping quotes and nesting. */
  const closing = (open: number): number => {
    let depth = 0;
    for (let j = open; j < script.length; j++) {
      const c = script[j];
      if (c === '\\') j++;
      else if (c === "'") j = script.indexOf("'", j + 1);
      else if (c === '"') {
        for (j++; j < script.length && script[j] !== '"'; j++) {
          if (script[j] === '\\') j++;
          else if (script[j] === '$' && script[j + 1] === '(') j = closing(j + 1);
        }
      } else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j;
      if (j < 0) return script.length;
    }
    return script.length;
  };
  const substitution = (i: number): number => {
    const end = closing(i + 1);
    out.push(...simpleCommands(script.slice(i + 2, end)));
    word += script.slice(i, end + 1);
    return end;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === '#' && !inWord) {
      i = script.indexOf('\n', i) < 0 ? script.length : script.indexOf('\n', i) - 1;
    } else if (c === '\\') {
      if (script[i + 1] !== '\n') word += script[i + 1];
      inWord = script[i + 1] !== '\n' || inWord;
      i++;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < script.length && script[i] !== '"'; i++) {
        if (script[i] === '\\' && '"$`\\'.includes(script[i + 1])) word += script[++i];
        else if (script[i] === '$' && script[i + 1] === '(') i = substitution(i);
        else word += script[i];
      }
    } else if (c === '$' && script[i + 1] === '(') {
      inWord = true;
      i = substitution(i);
    } else if (c === '$' && script[i + 1] === '{') {
      const end = script.indexOf('}', i);
      word += script.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (' \t'.includes(c)) {
      endWord();
    } else if ('\n;|&()'.includes(c)) {
      endCommand();
    } else if ('<>'.includes(c)) {
      // `> file`, `2>/dev/null`, `>&2`: the redirection and its target are not arguments.
      if (inWord && /^\d$/.test(word)) {
        word = '';
        inWord = false;
      }
      endWord();
      while ('<>'.includes(script[i + 1] ?? '')) i++;
      if (script[i + 1] === '&' && /\d/.test(script[i + 2] ?? '')) i += 2;
      else skipNext = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return out;
}

/** Whether a word is known only at run time (a variable or a command substitution). */
export function dynamic(word: string): boolean {
  return word.includes('$');
}

/**
 * The values of the arms of `case … in A|B) …` in a script: what the script expects a variable to
 * hold. Only identifiers (API enum values such as `IN_PROGRESS`, `InProgress`) are returned, not globs.
 */
export function casePatterns(script: string): string[] {
  const out: string[] = [];
  for (const m of script.matchAll(/\bcase [^\n]*? in ((?:[^;]|;(?!;))*?)\)/g)) out.push(...m[1].split('|'));
  for (const m of script.matchAll(/;;\s*([A-Za-z_|*]+)\)/g)) out.push(...m[1].split('|'));
  // `*Failed*` tests for a word in a list (`.status.conditions[*].type`).
  return out.map((p) => p.trim().replace(/^\*([A-Za-z_]+)\*$/, '$1')).filter((p) => /^[A-Za-z][A-Za-z_]+$/.test(p));
}

/** Literals a script compares a status, state or phase variable with: `[ "$STATUS" = Succeeded ]`. */
export function statusComparisons(script: string): string[] {
  return [...script.matchAll(/\[ "\$(\w*(?:STATUS|STATE|PHASE)\w*)" !?= "?([A-Za-z_]+)"? \]/g)].map((m) => m[2]);
}

/**
 * Literals a JMESPath `--query` compares an API enum field with (`State=='DEPLOYING'`,
 * `status=='Succeeded'`), and the staging labels it looks for (`contains(VersionStages, 'AWSCURRENT')`).
 */
export function queryLiterals(query: string): { enums: string[]; stages: string[] } {
  return {
    enums: [...query.matchAll(/(\w+)\s*==\s*'([^']*)'/g)].filter((m) => /(state|status)$/i.test(m[1])).map((m) => m[2]),
    stages: [...query.matchAll(/contains\(VersionStages,\s*'([^']*)'\)/g)].map((m) => m[1]),
  };
}

/**
 * The staging labels Secrets Manager itself moves during rotation
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/whats-in-a-secret.html: AWSCURRENT,
 * AWSPENDING, AWSPREVIOUS).
 */
const STAGING_LABELS = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'];

/** Options that name a resource of the runbook's stacks, per CLI service: the resource type (or a stack). */
const NAMED: Record<string, Record<string, string>> = {
  ecs: {
    '--cluster': 'AWS::ECS::Cluster',
    '--service': 'AWS::ECS::Service',
    '--services': 'AWS::ECS::Service',
    '--service-name': 'AWS::ECS::Service',
  },
  cloudwatch: { '--alarm-name': 'AWS::CloudWatch::Alarm', '--alarm-names': 'AWS::CloudWatch::Alarm' },
  cloudformation: { '--stack-name': 'stack' },
  codepipeline: { '--pipeline-name': 'AWS::CodePipeline::Pipeline' },
  deploy: { '--application-name': 'AWS::CodeDeploy::Application', '--deployment-group-name': 'AWS::CodeDeploy::DeploymentGroup' },
};

/**
 * Values a `case` arm may test: every enum value of the AWS SDK clients the runbooks call (what the
 * APIs return) and the Argo Rollouts phases (https://argo-rollouts.readthedocs.io/en/stable/features/specification/).
 */
let returnable: Set<string> | undefined;
function returnableValues(): Set<string> {
  if (returnable) return returnable;
  const values = new Set([
    'Healthy',
    'Progressing',
    'Paused',
    'Degraded',
    // Job condition types (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/#JobStatus).
    'Complete',
    'Failed',
    'Suspended',
    'FailureTarget',
    'SuccessCriteriaMet',
  ]);
  for (const pkg of SDK_CLIENTS) {
    for (const e of Object.values(require(pkg) as Record<string, unknown>)) {
      if (e && typeof e === 'object' && !Array.isArray(e) && Object.values(e).every((v) => typeof v === 'string'))
        for (const v of Object.values(e as Record<string, string>)) values.add(v);
    }
  }
  return (returnable = values);
}

/**
 * Every command of a section as written, including those in branches its situation does not take:
 * each `aws`, `kubectl` and `git` call must pass the tool's own parsing (options, required options,
 * enum values, durations), name a region of the runbook's stacks and a namespace of its cluster,
 * and each `case` arm on an API value must name a value the API can return. A command the drill
 * runs is checked again when it runs, against the state of the moment.
 */
export function staticProblems(script: string, world: DrillWorld): string[] {
  const problems: string[] = [];
  const values = returnableValues();
  // A command printed for later (`echo "when ready: aws …"`) must run as written too.
  const printed = simpleCommands(script)
    .filter(([tool]) => tool === 'echo')
    .flatMap(([, ...words]) => words.map((w) => /\b(aws|kubectl|git) [a-z][^]*/.exec(w)?.[0]).filter((w): w is string => !!w))
    .flatMap((w) => simpleCommands(w));
  for (const [tool, ...args] of [...simpleCommands(script), ...printed]) {
    if (tool === 'aws') {
      const literals = queryLiterals(args[args.indexOf('--query') + 1] ?? '');
      if (args.includes('--query')) {
        for (const v of literals.enums.filter((x) => !values.has(x)))
          problems.push(`as written: aws ${args.slice(0, 2).join(' ')}: --query compares with '${v}', which the API never returns`);
        for (const v of literals.stages.filter((x) => !STAGING_LABELS.includes(x)))
          problems.push(`as written: aws ${args.slice(0, 2).join(' ')}: --query looks for staging label '${v}', which rotation never sets`);
      }
      const { call, problems: parse } = parseAwsCall(args);
      problems.push(...parse.map((p) => `as written: ${p}`));
      if (!call) continue;
      const region = call.options.get('--region')?.[0];
      if (!region) problems.push(`as written: aws ${args.slice(0, 2).join(' ')}: no --region`);
      else if (!dynamic(region) && !world.aws.stacks.some((s) => s.region === region))
        problems.push(`as written: aws ${args.slice(0, 2).join(' ')}: region ${region} holds no stack of this runbook`);
      for (const [option, type] of Object.entries(NAMED[call.service] ?? {})) {
        for (const name of call.options.get(option) ?? []) {
          if (dynamic(name) || !region || dynamic(region)) continue;
          if (
            type === 'stack'
              ? !world.aws.stacks.some((st) => st.name === name && st.region === region)
              : !world.aws.templates.all(type, region).some((r) => world.aws.templates.nameOf(r) === name)
          )
            problems.push(`as written: aws ${args.slice(0, 2).join(' ')}: ${option} ${name}: no ${type} of that name in ${region}`);
        }
      }
      try {
        checkEnums(call);
      } catch (e) {
        problems.push(`as written: aws ${args.slice(0, 2).join(' ')}: ${(e as Error).message}`);
      }
    } else if (tool === 'kubectl') {
      const parsed = parseKubectl(args);
      if ('error' in parsed) problems.push(`as written: ${parsed.error}`);
      else {
        const ns = parsed.flags.get('-n') ?? parsed.flags.get('--namespace');
        if (typeof ns === 'string' && !dynamic(ns) && world.k8s && !world.k8s.hasNamespace(ns))
          problems.push(`as written: kubectl ${parsed.verb}: namespace ${ns} holds no object of this environment`);
      }
    } else if (tool === 'git') {
      const refused = checkGitOptions(args[0], args.slice(1));
      if (refused) problems.push(`as written: git ${args[0]}: ${refused}`);
    } else if (tool === 'gh' && args[0] === 'pr' && args[1] === 'create') {
      const parsed = parseGhPrCreate(args.slice(2));
      if ('error' in parsed) problems.push(`as written: gh pr create: ${parsed.error}`);
    }
  }
  for (const p of casePatterns(script)) {
    if (!values.has(p)) problems.push(`as written: case arm ${p} matches no value the APIs return`);
  }
  for (const p of statusComparisons(script)) {
    if (!values.has(p)) problems.push(`as written: a status compared with ${p}, which the APIs never return`);
  }
  return problems;
}
