import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { exampleAws } from '../support/example-outputs';

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
type SpecResource = ReturnType<SpecDatabase['lookup']>[number] & { properties: Record<string, { type: SpecType }> };
/** The shapes of `@aws-cdk/service-spec-types` PropertyType this check walks into. */
type SpecType =
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'union'; types: SpecType[] }
  | { type: 'string'; allowedValues?: string[] }
  | { type: string };

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly [attribute: string]: unknown;
}

/** Resource attributes CloudFormation accepts beside Type and Properties. */
const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
  'Metadata',
  'Condition',
]);
/** Custom resources are ours or CDK's Lambda-backed ones; the spec does not list them. */
const KNOWN_CUSTOM_TYPES = new Set(['Custom::VpcRestrictDefaultSG', 'Custom::S3AutoDeleteObjects', 'Custom::GlidepathMigration']);

function isIntrinsic(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isIntrinsic(value);
}

/** Property names used in `value` that the spec does not know, and literal values outside its allowed values, as paths. */
function unknownNames(db: SpecDatabase, value: unknown, type: SpecType, at: string): string[] {
  if (isIntrinsic(value)) return [];
  if (type.type === 'ref' && 'reference' in type && isPlainObject(value)) {
    const definition = db.get('typeDefinition', type.reference) as unknown as { properties: Record<string, { type: SpecType }> };
    return unknownProperties(db, value, definition.properties, at);
  }
  if ((type.type === 'array' || type.type === 'map') && 'element' in type) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v] as const)
      : isPlainObject(value)
        ? Object.entries(value).map(([k, v]) => [`.${k}`, v] as const)
        : [];
    return entries.flatMap(([key, v]) => unknownNames(db, v, type.element, `${at}${key}`));
  }
  if (
    type.type === 'string' &&
    'allowedValues' in type &&
    Array.isArray(type.allowedValues) &&
    typeof value === 'string' &&
    !type.allowedValues.includes(value)
  ) {
    return [`${at} = "${value}" (allowed: ${type.allowedValues.join(', ')})`];
  }
  if (type.type === 'union' && 'types' in type) {
    const attempts = type.types.map((t) => unknownNames(db, value, t, at));
    return attempts.some((a) => a.length === 0) ? [] : attempts[0];
  }
  return [];
}

function unknownProperties(
  db: SpecDatabase,
  properties: Record<string, unknown>,
  spec: Record<string, { type: SpecType }>,
  at: string,
): string[] {
  return Object.entries(properties).flatMap(([name, value]) =>
    spec[name] === undefined ? [`${at}.${name}`] : unknownNames(db, value, spec[name].type, `${at}.${name}`),
  );
}

describe('example templates against the CloudFormation spec', () => {
  let db: SpecDatabase;
  const templates: Record<string, { Resources: Record<string, CfnResource> }> = {};

  beforeAll(async () => {
    db = await loadAwsServiceSpec();
    for (const example of ['checkout', 'payments-api'] as const) {
      for (const [name, text] of Object.entries(exampleAws(example).templates)) {
        templates[name] = JSON.parse(text);
      }
    }
  });

  const resourceSpec = (type: string): SpecResource | undefined =>
    db.lookup('resource', 'cloudFormationType', 'equals', type)[0] as SpecResource | undefined;
  const resources = () =>
    Object.entries(templates).flatMap(([file, t]) =>
      Object.entries(t.Resources).map(([id, r]) => ({ where: `${file} ${id}`, resource: r })),
    );

  test('covers the five example stacks', () => {
    expect(Object.keys(templates).sort()).toEqual([
      'checkout-dev.template.json',
      'checkout-prod.template.json',
      'checkout-staging.template.json',
      'payments-api-prod.template.json',
      'payments-api-staging.template.json',
    ]);
  });

  test('every resource type exists (custom resources excepted)', () => {
    const unknown = resources()
      .filter(({ resource }) => !resource.Type.startsWith('Custom::') && resourceSpec(resource.Type) === undefined)
      .map(({ where, resource }) => `${where}: ${resource.Type}`);
    expect(unknown).toEqual([]);
    const custom = new Set(
      resources()
        .map(({ resource }) => resource.Type)
        .filter((t) => t.startsWith('Custom::')),
    );
    expect([...custom].filter((t) => !KNOWN_CUSTOM_TYPES.has(t))).toEqual([]);
  });

  test('every resource uses only CloudFormation resource attributes', () => {
    const unknown = resources().flatMap(({ where, resource }) =>
      Object.keys(resource)
        .filter((k) => !RESOURCE_ATTRIBUTES.has(k))
        .map((k) => `${where}: ${k}`),
    );
    expect(unknown).toEqual([]);
  });

  test('every top-level property name exists for its type', () => {
    const unknown = resources()
      .filter(({ resource }) => !resource.Type.startsWith('Custom::'))
      .flatMap(({ where, resource }) => {
        const spec = resourceSpec(resource.Type)!;
        return Object.keys(resource.Properties ?? {})
          .filter((name) => spec.properties[name] === undefined)
          .map((name) => `${where}: ${resource.Type}.${name}`);
      });
    expect(unknown).toEqual([]);
  });

  test('every nested property name exists too (through arrays, maps and unions), and enumerated values are allowed ones', () => {
    const unknown = resources()
      .filter(({ resource }) => !resource.Type.startsWith('Custom::'))
      .flatMap(({ where, resource }) =>
        unknownProperties(db, resource.Properties ?? {}, resourceSpec(resource.Type)!.properties, `${where}: ${resource.Type}`),
      );
    expect(unknown).toEqual([]);
  });

  test('the ECS deployment configuration we render by hand uses spec names (Alarms, Strategy, canary settings)', () => {
    const service = resourceSpec('AWS::ECS::Service')!;
    const deployment = db.get(
      'typeDefinition',
      (service.properties.DeploymentConfiguration.type as { reference: { $ref: string } }).reference,
    ) as unknown as {
      properties: Record<string, { type: SpecType }>;
    };
    expect(Object.keys(deployment.properties)).toEqual(
      expect.arrayContaining([
        'Alarms',
        'Strategy',
        'BakeTimeInMinutes',
        'CanaryConfiguration',
        'LinearConfiguration',
        'DeploymentCircuitBreaker',
      ]),
    );
    const alarms = db.get(
      'typeDefinition',
      (deployment.properties.Alarms.type as { reference: { $ref: string } }).reference,
    ) as unknown as { properties: Record<string, unknown> };
    expect(Object.keys(alarms.properties).sort()).toEqual(['AlarmNames', 'Enable', 'Rollback']);
    const checked = Object.values(templates)
      .flatMap((t) => Object.values(t.Resources))
      .filter((r) => r.Type === 'AWS::ECS::Service')
      .map((r) => (r.Properties?.DeploymentConfiguration as { Strategy: string }).Strategy);
    expect(checked.sort()).toEqual(['BLUE_GREEN', 'CANARY', 'ROLLING']);
  });

  test('the check itself finds a wrong name or value', () => {
    const spec = resourceSpec('AWS::ECS::Service')!;
    expect(
      unknownProperties(
        db,
        { DeploymentConfiguration: { Alarms: { AlarmNames: ['a'], Enabled: true } }, ServiceName: 'x' },
        spec.properties,
        'AWS::ECS::Service',
      ),
    ).toEqual(['AWS::ECS::Service.DeploymentConfiguration.Alarms.Enabled']);
    expect(unknownProperties(db, { Tags: [{ Key: 'k', Value: 'v' }], ServiceNme: 'x' }, spec.properties, 'S')).toEqual(['S.ServiceNme']);
    expect(unknownProperties(db, { DeploymentConfiguration: { Strategy: 'CANNARY' } }, spec.properties, 'S')).toEqual([
      'S.DeploymentConfiguration.Strategy = "CANNARY" (allowed: ROLLING, BLUE_GREEN, LINEAR, CANARY)',
    ]);
  });
});
