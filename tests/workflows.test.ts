import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCENARIO_IDS } from '../schemas/scenarios';
import { CI_STACK, GLOBAL_STACK } from '../modules/synth';
import { primaryRegion, type Model } from '../schemas';
import { modelAt, REPO_ROOT } from './helpers/example-repo';
import { documentStatements, rolesOf, type Deployment, type GeneratedStack, type TerraformJson } from './helpers/iam-policy';

/** The parts of a workflow, a job and a step this spec reads. */
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const GITHUB_DIR = path.join(REPO_ROOT, '.github');
const WORKFLOWS_DIR = path.join(GITHUB_DIR, 'workflows');
const DEFAULT_BRANCH = 'main';

let model: Model;
let workflows: Map<string, Workflow>;
/** Every workflow and local action file under .github/, as text: comments carry the pinned releases. */
let sources: Map<string, string>;
/** Steps of the local composite actions, by the `./.github/actions/<name>` a job uses them by. */
let localActions: Map<string, Step[]>;
let ciStack: GeneratedStack;
let deployment: Deployment;

beforeAll(async () => {
  model = await modelAt(REPO_ROOT);
  sources = new Map();
  for (const file of await yamlFiles(GITHUB_DIR)) sources.set(path.relative(REPO_ROOT, file), await readFile(file, 'utf8'));
  workflows = new Map(
    [...sources].filter(([file]) => file.startsWith('.github/workflows/')).map(([file, text]) => [path.basename(file), parse(text) as Workflow]),
  );
  localActions = new Map(
    [...sources]
      .filter(([file]) => /^\.github\/actions\/[^/]+\/action\.ya?ml$/.test(file))
      .map(([file, text]) => [`./${path.dirname(file)}`, (parse(text) as { runs: { steps: Step[] } }).runs.steps]),
  );
  ciStack = { name: CI_STACK, json: JSON.parse(await readFile(path.join(REPO_ROOT, 'generated', 'terraform', CI_STACK, 'cdk.tf.json'), 'utf8')) as TerraformJson };
  deployment = { accountId: model.global.infrastructure.accountId, partition: 'aws' };
});

/** Stacks in the order they are applied: ci, the primary region, the other regions in model order, global. */
function stackOrder(): string[] {
  const primary = primaryRegion(model);
  return [CI_STACK, primary.id, ...model.regions.filter((region) => region !== primary).map((region) => region.id), GLOBAL_STACK];
}

function workflow(name: string): Workflow {
  const found = workflows.get(name);
  if (!found) throw new Error(`.github/workflows/${name} is missing`);
  return found;
}

function job(flow: Workflow, id: string): Job {
  const found = flow.jobs[id];
  if (!found) throw new Error(`no job ${id}; jobs are ${Object.keys(flow.jobs).join(', ')}`);
  return found;
}

const needsOf = (candidate: Job): string[] => (candidate.needs === undefined ? [] : [candidate.needs].flat());
const environmentOf = (candidate: Job): string | undefined => (typeof candidate.environment === 'object' ? candidate.environment.name : candidate.environment);

/** A job's steps with each local composite action's steps in place of the step that uses it. */
function expandedSteps(candidate: Job): Step[] {
  return (candidate.steps ?? []).flatMap((step) => (step.uses && localActions.has(step.uses) ? [step, ...localActions.get(step.uses)!] : [step]));
}

function assumedRole(candidate: Job): string | undefined {
  const configure = (candidate.steps ?? []).filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
  if (configure.length > 1) throw new Error('a job assumes at most one role');
  return configure[0]?.with?.['role-to-assume'] as string | undefined;
}

function roleArn(name: string): string {
  const role = rolesOf(ciStack, deployment).find((candidate) => candidate.name === name);
  if (!role) throw new Error(`the ci stack defines no role ${name}`);
  return role.arn;
}

/** `sub` claims a role's trust policy admits for GitHub's OIDC provider, without the `repo:<owner>/<name>:` prefix. */
function trustedSubjects(arn: string): string[] {
  const role = Object.values(ciStack.json.resource?.aws_iam_role ?? {}).find((candidate) => arn.endsWith(`${candidate.path}${candidate.name}`));
  if (!role) throw new Error(`${arn} is not a role of the ci stack`);
  const prefix = `repo:${model.global.infrastructure.ciRepository}:`;
  return documentStatements(ciStack, role.assume_role_policy, deployment)
    .filter((statement) => statement.effect === 'Allow' && statement.actions?.includes('sts:AssumeRoleWithWebIdentity'))
    .flatMap((statement) => statement.conditions.filter((condition) => condition.variable === 'token.actions.githubusercontent.com:sub'))
    .flatMap((condition) => condition.values)
    .filter((value) => value.startsWith(prefix))
    .map((value) => value.slice(prefix.length));
}

/** The `sub` claim GitHub gives a job's OIDC token (without the repository prefix) for each event the workflow runs on. */
function subjectsOf(flow: Workflow, candidate: Job): string[] {
  const environment = environmentOf(candidate);
  if (environment) return [`environment:${environment}`];
  return [...new Set(Object.keys(flow.on).map((event) => (event === 'pull_request' ? 'pull_request' : `ref:refs/heads/${DEFAULT_BRANCH}`)))];
}

describe('GitHub Actions workflows', () => {
  it('pin every action to a full commit SHA with its release in a comment', () => {
    const uses = [...sources].flatMap(([file, text]) =>
      text.split('\n').flatMap((line, index) => (/^\s*(-\s+)?uses:/.test(line) ? [{ where: `${file}:${index + 1}`, line: line.trim() }] : [])),
    );
    expect(uses.length).toBeGreaterThan(10);
    const unpinned = uses.filter(({ line }) => !/uses: (\.\/\.github\/actions\/[\w-]+|[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/.test(line));
    expect(unpinned).toEqual([]);
  });

  it('grant nothing at workflow level and let each job declare the permissions it needs', () => {
    for (const [name, flow] of workflows) {
      expect(flow.permissions, `${name}: workflow permissions`).toEqual({});
      for (const [id, candidate] of Object.entries(flow.jobs)) expect(candidate.permissions, `${name} ${id}: job permissions`).toBeDefined();
    }
  });

  it('never keep the checkout token in the git configuration', () => {
    const checkouts = [...workflows.values()].flatMap((flow) => Object.values(flow.jobs).flatMap(expandedSteps)).filter((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(5);
    for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
  });

  it('never run on pull_request_target', () => {
    for (const [name, flow] of workflows) expect(Object.keys(flow.on), name).not.toContain('pull_request_target');
    for (const [file, text] of sources) expect(text, file).not.toMatch(/pull_request_target/);
  });

  it('pass every expression to a shell through env, never into the script itself', () => {
    const steps = [...[...workflows.values()].flatMap((flow) => Object.values(flow.jobs).flatMap((candidate) => candidate.steps ?? [])), ...[...localActions.values()].flat()];
    const scripts = steps.filter((step) => step.run !== undefined);
    expect(scripts.length).toBeGreaterThan(5);
    expect(scripts.filter((step) => step.run!.includes('${{')).map((step) => step.run)).toEqual([]);
  });

  it('cache .tools under a key made of the pinned versions, the installer and the Python tools\' dependency constraints', () => {
    const cache = localActions.get('./.github/actions/setup')?.find((step) => step.uses?.startsWith('actions/cache@'));
    expect(cache?.with?.path).toBe('.tools');
    expect(cache?.with?.key).toContain("hashFiles('policies/toolchain/versions.json', 'scripts/install-tools.sh', 'scripts/pip-constraints/*.txt')");
  });

  it('run npm synth and test on every pull request against its base', () => {
    const flow = workflow('pull-request.yml');
    expect(Object.keys(flow.on)).toEqual(['pull_request']);
    const test = job(flow, 'test');
    expect((test as Job & { env?: Record<string, string> }).env?.MR_BASE_REF).toBe('${{ github.event.pull_request.base.sha }}');
    expect(expandedSteps(test).some((step) => step.run?.includes('npm run synth && npm test'))).toBe(true);
    expect(expandedSteps(test).find((step) => step.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
  });

  it('upload each SARIF file to code scanning under the category of its own name', () => {
    const uploads = [...workflows.values()]
      .flatMap((flow) => Object.values(flow.jobs).flatMap((candidate) => candidate.steps ?? []))
      .filter((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(uploads.length).toBeGreaterThanOrEqual(4);
    for (const step of uploads) expect(path.basename(String(step.with?.sarif_file), '.sarif')).toBe(step.with?.category);
  });

  it('run only npm scripts that package.json defines', async () => {
    const scripts = Object.keys((JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const used = [...sources.values()].flatMap((text) => [...text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]!));
    expect(used.length).toBeGreaterThan(4);
    expect([...new Set(used)].filter((name) => !scripts.includes(name))).toEqual([]);
  });
});

describe('Terraform in CI', () => {
  it('plans every stack of the model on a pull request, in apply order', () => {
    const plan = job(workflow('terraform-plan.yml'), 'plan');
    expect(plan.strategy?.matrix?.stack).toEqual(stackOrder());
    expect(assumedRole(plan)).toBe(roleArn(`${model.global.name}-ci-plan`));
    expect(environmentOf(plan)).toBeUndefined();
  });

  it('applies after a merge in the stacks’ order, each apply after its own plan and the previous stack’s apply', () => {
    const flow = workflow('apply.yml');
    expect(Object.keys(flow.on)).toEqual(['push', 'workflow_dispatch']);
    expect((flow.on.push as { branches: string[] }).branches).toEqual([DEFAULT_BRANCH]);
    const stacks = stackOrder();
    expect(Object.keys(flow.jobs).sort()).toEqual(['select', ...stacks.flatMap((stack) => [`plan-${stack}`, `apply-${stack}`])].sort());
    stacks.forEach((stack, index) => {
      const previous = stacks[index - 1];
      expect(needsOf(job(flow, `apply-${stack}`)).sort(), `apply-${stack}`).toEqual([`plan-${stack}`, ...(previous ? [`apply-${previous}`] : [])].sort());
      // A plan reads the outputs the previous stack's apply writes to its state.
      expect(needsOf(job(flow, `plan-${stack}`)), `plan-${stack}`).toEqual(['select', ...(previous ? [`apply-${previous}`] : [])]);
    });
  });

  it('selects every stack, in the model’s order, on a push or a dispatch that names none', async () => {
    const select = job(workflow('apply.yml'), 'select');
    expect(select.steps?.[0]?.env?.ALL_STACKS).toBe(stackOrder().join(' '));
    expect(await selectStacks('')).toMatchObject({ code: 0, stacks: stackOrder() });
  });

  it('lets an operator apply the global stack alone when a region is lost, each chosen stack planned only if selected and after the earlier ones that run', async () => {
    const flow = workflow('apply.yml');
    const input = (flow.on.workflow_dispatch as { inputs: Record<string, { type: string; required: boolean }> }).inputs.stacks;
    expect(input).toMatchObject({ type: 'string', required: false });
    expect(job(flow, 'select').steps?.[0]?.env?.REQUESTED).toBe('${{ inputs.stacks }}');
    expect(await selectStacks('global')).toMatchObject({ code: 0, stacks: ['global'] });
    expect(await selectStacks(' us-east-1   global ')).toMatchObject({ code: 0, stacks: ['us-east-1', 'global'] });
    for (const stack of stackOrder()) {
      const plan = job(flow, `plan-${stack}`);
      expect(plan.if, `plan-${stack}`).toContain(`contains(fromJSON(needs.select.outputs.stacks), '${stack}')`);
      // A skipped earlier stack is no failure, so the chosen ones still run; a failed one still stops them.
      if (stack !== CI_STACK) expect(plan.if, `plan-${stack}`).toMatch(/^\$\{\{ !cancelled\(\) && !failure\(\) && /);
    }
  });

  it('refuses a dispatch naming a stack the model does not have, before planning anything', async () => {
    for (const requested of ['eu-west-1', 'global;id', '*', 'global "us-east-1"']) {
      const { code, stacks, stdout } = await selectStacks(requested);
      expect(code, requested).not.toBe(0);
      expect(stacks, requested).toBeUndefined();
      expect(stdout, requested).toMatch(/^::error::unknown stack .*; expected some of: /m);
    }
  });

  it('plans every stack without a lock, which the plan role may not take', () => {
    const plan = localActions.get('./.github/actions/terraform-stack')!.find((step) => step.run?.includes('terraform plan'))!;
    expect(plan.run).toMatch(/terraform plan [^\n]*-lock=false/);
    expect(plan.run).not.toMatch(/-lock-timeout/);
  });

  it('applies each stack in the protected environment named after it with that stack’s apply role, and leaves the ci stack to an administrator', () => {
    const flow = workflow('apply.yml');
    for (const stack of stackOrder()) {
      const apply = job(flow, `apply-${stack}`);
      expect(environmentOf(apply), `apply-${stack}`).toBe(stack);
      expect(assumedRole(job(flow, `plan-${stack}`)), `plan-${stack}`).toBe(roleArn(`${model.global.name}-ci-plan`));
      if (stack === CI_STACK) {
        // The ci stack defines the CI roles; none may change them, so it has no apply role and its job assumes none.
        expect(() => roleArn(`${model.global.name}-ci-apply-${CI_STACK}`)).toThrow(/defines no role/);
        expect(assumedRole(apply)).toBeUndefined();
      } else {
        expect(assumedRole(apply), `apply-${stack}`).toBe(roleArn(`${model.global.name}-ci-apply-${stack}`));
        expect(expandedSteps(apply).find((step) => step.uses === './.github/actions/terraform-stack')?.with).toEqual({ stack, command: 'apply' });
      }
    }
  });

  it('assumes each role only from a job whose OIDC subject that role trusts', () => {
    const refused: string[] = [];
    for (const [name, flow] of workflows) {
      for (const [id, candidate] of Object.entries(flow.jobs)) {
        const role = assumedRole(candidate);
        if (!role) continue;
        expect(candidate.permissions, `${name} ${id}`).toMatchObject({ 'id-token': 'write' });
        const trusted = trustedSubjects(role);
        for (const subject of subjectsOf(flow, candidate)) if (!trusted.includes(subject)) refused.push(`${name} ${id}: ${role} does not trust ${subject} (it trusts ${trusted.join(', ')})`);
      }
    }
    // The remedy is in the trust policy (modules/terraform/ci-roles.ts) or in the workflow, never in this list.
    expect(refused, 'a job would be refused its role by AWS STS').toEqual([]);
  });
});

describe('scheduled drill', () => {
  it('drills every region of the model in every scenario and keeps the evidence', () => {
    const drill = job(workflow('drill.yml'), 'drill');
    expect(drill.strategy?.matrix).toEqual({ region: model.regions.map((region) => region.id), scenario: [...SCENARIO_IDS] });
    const steps = expandedSteps(drill);
    expect(steps.find((step) => step.run?.startsWith('npm run drill'))?.run).toBe('npm run drill -- --from "$REGION" --scenario "$SCENARIO"');
    expect(steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))?.with?.path).toBe('operations/drills/');
  });
});

/** Runs the apply workflow's selection step as the runner would, with the dispatch input in its env. */
async function selectStacks(requested: string): Promise<{ code: number | null; stacks?: string[]; stdout: string }> {
  const step = job(workflow('apply.yml'), 'select').steps![0]!;
  const dir = await mkdtemp(path.join(tmpdir(), 'select-stacks-'));
  try {
    const output = path.join(dir, 'output');
    await writeFile(output, '');
    const env = { PATH: process.env.PATH, ALL_STACKS: String(step.env!.ALL_STACKS), REQUESTED: requested, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run!], { env, encoding: 'utf8', cwd: dir });
    const line = (await readFile(output, 'utf8')).split('\n').find((entry) => entry.startsWith('stacks='));
    return { code: result.status, stdout: result.stdout, ...(line ? { stacks: JSON.parse(line.slice('stacks='.length)) as string[] } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name)).map((entry) => path.join(entry.parentPath, entry.name)).sort();
}
