import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { createGateContext } from '../policies/gates/context';
import { policyGate } from '../policies/gates/policy-gate';
import { commitAll, edit, exampleRepo, put, removeScratchRepos, REPO_ROOT } from './helpers/example-repo';

/** How many policies the committed bundle holds: every one is judged and reported. */
const POLICIES = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'policies/bundle/metadata.json'), 'utf8')) as unknown[]).length;

afterAll(removeScratchRepos);

/** A scratch copy of the example committed to a real git repository, as a pull request's base. */
async function gitExample(): Promise<string> {
  const root = await exampleRepo();
  commitAll(root);
  return root;
}

/** The environment without the pull request's base, which CI may set for the whole run. */
function withoutBase(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { MR_BASE_REF: _ignored, ...rest } = process.env;
  return { ...rest, ...env };
}

function planChange(root: string, ...args: string[]) {
  return planChangeWith({}, root, ...args);
}

function planChangeWith(env: Record<string, string>, root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'plan-change', '--root', root, '--now', '2026-11-20T12:00:00Z', ...args], { encoding: 'utf8', env: withoutBase(env) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function npmTest(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'test', ...args], { encoding: 'utf8', env: withoutBase(env) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function synth(root: string): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'synth', '--root', root, '--quiet']);
}

describe('npm run plan-change', () => {
  it('describes a weight change per region, classifies it and shows the resilience figures', async () => {
    const root = await gitExample();
    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 40');
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 60');
    synth(root);
    const run = planChange(root, '--base', 'main');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^## Change plan: main \([0-9a-f]{12}\) → working tree\n/);
    expect(run.stdout).toContain('**Risk class: Normal**, decided by `weight-shift-within-limit`');
    expect(run.stdout).toContain('| us-east-1 | primary | **50 → 40** | false | local | – | – |');
    // The two weighted records, and the accelerator dial of the region that no longer has the largest weight.
    expect(run.stdout).toContain('| global | | | | | 0 / 3 / 0 | |');
    expect(run.stdout).toContain('~ global: aws_route53_record.traffic_record-us-east-1_3513A728 (weighted_routing_policy)');
    expect(run.stdout).toContain('| RTO bound | 570 s | 570 s (losing us-east-1) | ≤ 900 s |');
    expect(run.stdout).toContain(`✅ ${POLICIES} policies, no blocking findings.`);
    expect(run.stdout).not.toContain('### What changes per app');
  });

  it('lists app fields that change, such as a feature flag, and classifies an app-only change as standard', async () => {
    const root = await gitExample();
    await edit(root, 'apps/orders-api.ts', "'crdt-carts': false", "'crdt-carts': true");
    synth(root);
    const run = planChange(root, '--base', 'main');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| orders-api | `featureFlags` | {"idempotency-keys":true,"crdt-carts":false} → {"idempotency-keys":true,"crdt-carts":true} |');
    expect(run.stdout).toContain('**Risk class: Standard (pre-approved)**, decided by `apps-only`');
  });

  it('exits non-zero and lists the findings when the change breaks a policy', async () => {
    const root = await gitExample();
    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 100');
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 0');
    const run = planChange(root, '--base', 'main', '--format', 'text');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('risk class: cab-required (weight-shift-beyond-limit)');
    expect(run.stdout).toMatch(/MEDIUM traffic\.weight-shift-within-limit regions\/us-east-1\.ts: traffic\.weight: .*moving 50 weight points/);
  });

  it('writes SARIF with one rule per policy and one result per finding', async () => {
    const root = await gitExample();
    await edit(root, 'regions/us-west-2.ts', 'readOnly: false', 'readOnly: true');
    await edit(root, 'regions/us-east-1.ts', 'readOnly: false', 'readOnly: true');
    const run = planChange(root, '--format', 'sarif');
    const sarif = JSON.parse(run.stdout) as { runs: Array<{ tool: { driver: { rules: unknown[] } }; results: Array<{ ruleId: string; level: string; suppressions?: unknown[] }> }> };
    expect(sarif.runs[0]!.tool.driver.rules).toHaveLength(POLICIES);
    expect([...new Set(sarif.runs[0]!.results.map((r) => r.ruleId))].sort()).toEqual(['read-only.not-every-region-read-only', 'read-only.primary-needs-failover', 'traffic.writable-region-serves']);
    expect(sarif.runs[0]!.results.every((r) => r.level === 'error' && !r.suppressions?.length)).toBe(true);
  });

  it('points findings in YAML inputs at their line and column', async () => {
    const root = await gitExample();
    await edit(root, 'regions/replication-rules.yaml', 'rpoSeconds: 300', 'rpoSeconds: 600');
    const run = planChange(root, '--format', 'text');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('HIGH data.rpo-within-slo regions/replication-rules.yaml:29:17: dataSets[3].rpoSeconds: ');
  });

  it('names a base that does not exist and how to get it', async () => {
    const root = await gitExample();
    const run = planChange(root, '--base', 'origin/main');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('plan-change: origin/main is not a commit');
  });
});

describe('the policy gate in pull-request CI (MR_BASE_REF)', () => {
  async function policyGateAt(root: string, baseRef?: string) {
    // Before the example's peak-season freeze, which would add its own finding.
    return policyGate.run(await createGateContext(root, { synthOutputs, readCommitted }, { ...(baseRef ? { baseRef } : {}), now: new Date('2026-11-20T12:00:00Z') }));
  }

  it('refuses a 100-point shift that passes when judged without a base', async () => {
    const root = await gitExample();
    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 100');
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 0');
    synth(root);
    expect((await policyGateAt(root)).ok).toBe(true);
    const gate = await policyGateAt(root, 'main');
    expect(gate.ok).toBe(false);
    expect(gate.summary).toMatch(new RegExp(`^${POLICIES} policies as a change from main \\(cab-required\\): 2 findings;`));
    expect(gate.details[0]).toMatch(/^MEDIUM traffic\.weight-shift-within-limit regions\/us-east-1\.ts: traffic\.weight: /);
  });

  it('fails closed when the base cannot be loaded', async () => {
    const gate = await policyGateAt(await gitExample(), 'no-such-branch');
    expect(gate.ok).toBe(false);
    expect(gate.summary).toBe('cannot load the base no-such-branch');
  });
});

describe('command lines that could be misread', () => {
  it('refuses an empty --base instead of judging without a base', async () => {
    const root = await gitExample();
    for (const args of [['--base', ''], ['--base=']]) {
      const run = planChange(root, ...args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^plan-change: --base: expected a git ref such as origin\/main, got an empty value\n/);
    }
  });

  it('reads the base from MR_BASE_REF in plan-change as npm test does, and refuses it empty', async () => {
    const root = await gitExample();
    const empty = planChangeWith({ MR_BASE_REF: '' }, root);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^plan-change: MR_BASE_REF: expected a git ref such as origin\/main, got an empty value/);
    const based = planChangeWith({ MR_BASE_REF: 'HEAD' }, root, '--format', 'text');
    expect(based.stdout).toMatch(/^Change plan: HEAD \([0-9a-f]{12}\)/m);
  });

  it('refuses an empty MR_BASE_REF in npm test, which an unset CI variable expands to', () => {
    const run = npmTest({ MR_BASE_REF: '' }, '--gates-only');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^npm test: MR_BASE_REF: expected a git ref such as origin\/main, got an empty value/);
    expect(run.stdout).not.toContain('Gates');
  });

  it('refuses an empty --base in npm test', () => {
    const run = npmTest({}, '--gates-only', '--base=');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^npm test: --base: expected a git ref/);
  });

  it('refuses --gates-only with --tests-only, which together would run nothing', () => {
    const run = npmTest({}, '--gates-only', '--tests-only');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^npm test: --gates-only and --tests-only together would run nothing/);
  });

  it('names the health file and the entry when --health is missing, not JSON or not region health', async () => {
    const root = await gitExample();
    await put(root, 'health.json', '{"us-east-1": "down"}');
    await put(root, 'broken.json', '{"us-east-1": ');
    await put(root, 'list.json', '["us-east-1"]');
    const cases = {
      'missing.json': 'missing.json: expected a readable JSON file, got no such file',
      'health.json': 'health.json: us-east-1: expected "healthy" or "failing", got "down"',
      'broken.json': 'broken.json: expected valid JSON, got ',
      'list.json': 'list.json: expected an object of region id to health, like {"us-east-1": "failing"}, got 1 item ["us-east-1"]',
    };
    for (const [file, message] of Object.entries(cases)) {
      const run = planChange(root, '--health', path.join(root, file));
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`plan-change: --health ${path.join(root, message)}`);
    }
  });

  it('diffs against the commit a base resolves to, even when a file has the same name', async () => {
    const root = await gitExample();
    execFileSync('git', ['branch', 'CODEOWNERS'], { cwd: root });
    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 40');
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 60');
    synth(root);
    const run = planChange(root, '--base', 'CODEOWNERS', '--format', 'text');
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('risk class: normal (weight-shift-within-limit)');
  });

  it('refuses in one line a base that names a file or a blob rather than a commit', async () => {
    const root = await gitExample();
    for (const ref of ['CODEOWNERS', 'HEAD:CODEOWNERS', '--output=stolen']) {
      const run = planChange(root, `--base=${ref}`);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`plan-change: ${ref} is not a commit in ${root} (fetch it first, e.g. \`git fetch origin main\`)\n`);
    }
  });
});
