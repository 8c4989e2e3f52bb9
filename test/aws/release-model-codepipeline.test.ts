import { SupersededPipeline, type PipelineStage } from './support/release-model/codepipeline';

/**
 * The CodePipeline rules of the release model, on a literal pipeline shaped like the
 * documentation's examples (Source, Build, then a deploy stage with an approval), not on
 * glidepath output. See the model file for the documentation links.
 */

const action = (Name: string, Category: string, RunOrder = 1, Configuration?: Record<string, string>) => ({
  Name,
  ActionTypeId: { Category, Provider: Category === 'Approval' ? 'Manual' : 'CloudFormation' },
  RunOrder,
  Configuration,
});
const STAGES: PipelineStage[] = [
  { Name: 'Source', Actions: [action('Source', 'Source')] },
  { Name: 'Build', Actions: [action('Build', 'Build')] },
  {
    Name: 'Prod',
    Actions: [
      action('Prepare', 'Deploy', 1, { ActionMode: 'CHANGE_SET_REPLACE', StackName: 'app', ChangeSetName: 'cs' }),
      action('Approve', 'Approval', 2),
      action('Deploy', 'Deploy', 3, { ActionMode: 'CHANGE_SET_EXECUTE', StackName: 'app', ChangeSetName: 'cs' }),
    ],
  },
];

describe('CodePipeline in SUPERSEDED mode', () => {
  test('actions run stage by stage in RunOrder; an approval holds the execution until someone answers', () => {
    const p = new SupersededPipeline(STAGES, 60);
    const e1 = p.start('c1', 0);
    p.run(10_000);
    expect(e1.awaiting).toBe('Approve');
    expect(e1.log).toEqual(['Source/Source', 'Build/Build', 'Prod/Prepare']);
    p.answer(e1, true, 20_000);
    p.run(30_000);
    expect(e1.status).toBe('Succeeded');
    expect(e1.log.slice(3)).toEqual(['Prod/Approve:Approved', 'Prod/Deploy']);
    expect(p.deployed.get('app')).toBe('c1');
  });

  test('a stage holds one execution: a newer one waits before it (inbound), never inside it', () => {
    const p = new SupersededPipeline(STAGES, 60);
    const e1 = p.start('c1', 0);
    p.run(1000);
    const e2 = p.start('c2', 1000);
    p.run(5000);
    expect(p.holder('Prod')).toBe(e1);
    expect(e2).toMatchObject({ status: 'InProgress', inbound: true, stage: 2 });
    // The change set the approver reviews is still the one e1 prepared.
    expect(p.changeSets.get('app/cs')).toBe('c1');
  });

  test('an execution waiting before a locked stage is superseded by a more recent one', () => {
    const p = new SupersededPipeline(STAGES, 60);
    const e1 = p.start('c1', 0);
    p.run(1000);
    const e2 = p.start('c2', 1000);
    p.run(2000);
    const e3 = p.start('c3', 2000);
    p.run(3000);
    expect(e2.status).toBe('Superseded');
    expect(e3).toMatchObject({ status: 'InProgress', inbound: true });
    expect(e1.awaiting).toBe('Approve');
  });

  test('a rejection fails the execution and unlocks the stage: the inbound execution enters', () => {
    const p = new SupersededPipeline(STAGES, 60);
    const e1 = p.start('c1', 0);
    p.run(1000);
    const e2 = p.start('c2', 1000);
    p.run(2000);
    p.answer(e1, false, 2000);
    expect(e1.status).toBe('Failed');
    p.run(5000);
    expect(p.holder('Prod')).toBe(e2);
    expect(e2.awaiting).toBe('Approve');
    expect(p.changeSets.get('app/cs')).toBe('c2');
    expect(p.deployed.get('app')).toBeUndefined();
  });

  test('an approval nobody answers fails after seven days', () => {
    const p = new SupersededPipeline(STAGES, 60);
    const e1 = p.start('c1', 0);
    p.run(7 * 24 * 3600);
    expect(e1.status).toBe('InProgress');
    p.run(7 * 24 * 3600 + 200);
    expect(e1.status).toBe('Failed');
  });
});
