import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { blocking, loadPolicyEngine, type PolicyEngine, type PolicyReport } from '../policies/engine/engine';
import { policyInput, type PolicyInputParts } from '../policies/engine/input';
import type { FileTree } from '../policies/gates/gate';
import { resolveTool } from '../policies/toolchain/resolve';
import { loadModel, loadWaivers, type Model } from '../schemas';
import { edit, exampleRepo, put, REPO_ROOT, removeScratchRepos } from './helpers/example-repo';

// Before the example's peak-season freeze (2026-11-26 to 2026-12-02), so only the freeze tests see it.
const BEFORE_FREEZE = new Date('2026-11-20T12:00:00Z');
const IN_FREEZE = new Date('2026-11-27T12:00:00Z');

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await loadPolicyEngine(await exampleRepo());
});
afterAll(removeScratchRepos);

type Edit = (root: string) => Promise<void>;

/** Loads and synthesizes a scratch copy of the example after `edits`, as `npm test` and the console do. */
async function revision(...edits: Edit[]) {
  const root = await exampleRepo();
  for (const change of edits) await change(root);
  const load = await loadModel(root);
  if (load.errors) throw new Error(`the edited example does not load: ${load.errors.map((e) => e.message).join('; ')}`);
  const waivers = await loadWaivers(root);
  return { root, model: load.model, sources: load.sources, files: await synthOrCommitted(root, load.model), waivers: waivers.waivers };
}

/** Constructs refuse some models the policies also refuse; the policies then judge the committed output, as the gate does. */
async function synthOrCommitted(root: string, model: Model): Promise<FileTree> {
  try {
    return synthOutputs(model);
  } catch {
    return readCommitted(root, ['CODEOWNERS']);
  }
}

type JudgeOptions = { base?: Edit[]; now?: Date; change?: PolicyInputParts['change'] };

async function inputFor(edits: Edit[], options: JudgeOptions = {}) {
  const head = await revision(...edits);
  const base = options.base && (await revision(...options.base));
  return policyInput({
    ...head,
    repositoryPaths: [...head.files.keys()],
    now: options.now ?? BEFORE_FREEZE,
    ...(base ? { base: { model: base.model, sources: base.sources }, change: options.change ?? { files: [{ path: 'regions/us-west-2.ts', status: 'modified' }], terraform: {}, manifests: {} } } : {}),
  });
}

async function judge(edits: Edit[], options: JudgeOptions = {}): Promise<PolicyReport> {
  return engine.evaluate(await inputFor(edits, options));
}

const ids = (report: PolicyReport) => [...new Set(blocking(report).map((finding) => finding.policy))].sort();
const weights = (east: number, west: number): Edit[] => [
  (root) => edit(root, 'regions/us-east-1.ts', 'weight: 50', `weight: ${east}`),
  (root) => edit(root, 'regions/us-west-2.ts', 'weight: 50', `weight: ${west}`),
];

describe('the OPA policies judge the whole example (model, Terraform stacks, manifests)', () => {
  it('find nothing in the committed example', async () => {
    expect(blocking(await judge([]))).toEqual([]);
  });

  it('flag both regions read-only as unwritable, and the primary as read-only without a failover', async () => {
    const report = await judge([(root) => edit(root, 'regions/us-east-1.ts', 'readOnly: false', 'readOnly: true'), (root) => edit(root, 'regions/us-west-2.ts', 'readOnly: false', 'readOnly: true')]);
    expect(ids(report)).toEqual(['read-only.not-every-region-read-only', 'read-only.primary-needs-failover', 'traffic.writable-region-serves']);
  });

  it('flag weights 60/60 on each serving region, with the arithmetic', async () => {
    const report = await judge(weights(60, 60));
    expect(ids(report)).toEqual(['traffic.weights-sum-to-100']);
    expect(blocking(report).map((f) => `${f.location.file}: ${f.location.path}: ${f.message}`)).toEqual([
      'regions/us-east-1.ts: traffic.weight: weights of serving regions sum to 120 (us-east-1=60 + us-west-2=60), expected 100',
      'regions/us-west-2.ts: traffic.weight: weights of serving regions sum to 120 (us-east-1=60 + us-west-2=60), expected 100',
    ]);
  });

  it('flag a data set whose RPO (10 min) exceeds the 5 min SLO', async () => {
    const report = await judge([(root) => edit(root, 'regions/replication-rules.yaml', 'rpoSeconds: 300', 'rpoSeconds: 600')]);
    expect(ids(report)).toEqual(['data.rpo-within-slo']);
    expect(blocking(report)[0]!.location).toEqual({ file: 'regions/replication-rules.yaml', path: 'dataSets[3].rpoSeconds' });
  });

  it('flag EU data replicated to US regions', async () => {
    const report = await judge([(root) => edit(root, 'regions/replication-rules.yaml', /residency: us\n$/, 'residency: eu\n')]);
    expect(ids(report)).toEqual(['data.residency-respected']);
  });

  it('flag an active-active data set without conflict resolution', async () => {
    const report = await judge([(root) => edit(root, 'regions/replication-rules.yaml', '    conflictResolution:\n      strategy: last-writer-wins\n', '')]);
    expect(ids(report)).toEqual(['data.conflict-resolution-fits-store']);
    expect(blocking(report)[0]!.location).toEqual({ file: 'regions/replication-rules.yaml', path: 'dataSets[3].conflictResolution' });
  });

  it('flag a lag alert too slow for the RPO, printing the arithmetic', async () => {
    const report = await judge([(root) => edit(root, 'regions/replication-rules.yaml', 'lagAlertSeconds: 120', 'lagAlertSeconds: 280')]);
    expect(ids(report)).toEqual(['resilience.rpo-within-target']);
    expect(blocking(report)[0]!.message).toContain('280 s lag alert threshold + 60 s alert delay = 340 s');
  });

  it('bound the RTO from health checks, approval, DNS TTL, promotion and traffic shift', async () => {
    const { rto } = (await judge([])).resilience;
    expect(rto.boundSeconds).toBe(570);
    expect(rto.byRegion['us-east-1']!.arithmetic).toBe('losing us-east-1: 10 s × 3 (health check) + 300 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 570 s');
  });
});

describe('change-aware policies compare the pull request with its base', () => {
  it('flag a 100-point traffic shift with no failover declared', async () => {
    const report = await judge(weights(100, 0), { base: [] });
    expect(ids(report)).toEqual(['traffic.weight-shift-within-limit']);
  });

  it('accept the same shift while a failover is declared', async () => {
    const failover = `declarations:\n  - kind: failover\n    name: use1-outage\n    from: us-east-1\n    to: us-west-2\n    reason: us-east-1 health checks failing\n    declaredBy: "@example-org/sre"\n    start: 2026-11-20T00:00:00Z\n    end: 2026-11-21T00:00:00Z\n`;
    const report = await judge([...weights(0, 100), (root) => edit(root, 'regions/global.yaml', 'changeFreezes:', `${failover}changeFreezes:`)], { base: [] });
    expect(ids(report)).toEqual([]);
    expect(report.classification.class).toBe('cab-required');
  });

  it('refuse a change inside a freeze window without an emergency declaration', async () => {
    const report = await judge(weights(40, 60), { base: [], now: IN_FREEZE });
    expect(ids(report)).toEqual(['change.freeze-needs-emergency']);
  });

  it('classify a small weight change as normal and a cross-region infrastructure change as CAB-required', async () => {
    const small = await judge(weights(40, 60), { base: [] });
    expect(small.classification).toMatchObject({ class: 'normal', rule: 'weight-shift-within-limit' });
    const crossRegion = await judge([], {
      base: [],
      change: {
        files: [{ path: 'generated/terraform/us-east-1/cdk.tf.json', status: 'modified' }, { path: 'generated/terraform/us-west-2/cdk.tf.json', status: 'modified' }],
        terraform: {
          'us-east-1': { added: [], changed: ['aws_vpc.network_vpc_4E8F0223'], removed: [], attributes: { 'aws_vpc.network_vpc_4E8F0223': ['tags'] } },
          'us-west-2': { added: [], changed: ['aws_vpc.network_vpc_4E8F0223'], removed: [], attributes: { 'aws_vpc.network_vpc_4E8F0223': ['tags'] } },
        },
        manifests: {},
      },
    });
    expect(crossRegion.classification).toMatchObject({ class: 'cab-required', rule: 'cross-region-infrastructure' });
  });
});

describe('waivers', () => {
  const waiver = (expires: string) =>
    `  - policy: traffic.weights-sum-to-100\n    target: { file: regions/us-west-2.ts, path: traffic.weight }\n    reason: Temporary overweight while a load test runs.\n    owner: "@example-org/sre"\n    expires: ${expires}\n`;
  // Beside the repository's own waivers, which keep covering what they cover.
  const addWaiver = (text: string) => async (root: string) => {
    const current = (await readFile(path.join(root, 'policies/waivers.yaml'), 'utf8')).replace(/^waivers: \[\]$/m, 'waivers:');
    await put(root, 'policies/waivers.yaml', `${current.trimEnd()}\n${text}`);
  };

  it('accept the finding they cover until they expire, and report it as waived', async () => {
    const report = await judge([...weights(60, 60), addWaiver(waiver('2026-12-01T00:00:00Z'))]);
    expect(blocking(report).map((f) => f.location.file)).toEqual(['regions/us-east-1.ts']);
    expect(report.findings.find((f) => f.location.file === 'regions/us-west-2.ts')?.waiver?.owner).toBe('@example-org/sre');
  });

  it('must name a policy the bundle has', async () => {
    const report = await judge([addWaiver(waiver('2026-12-01T00:00:00Z').replace('weights-sum-to-100', 'weights-sum-to-10'))]);
    expect(ids(report)).toEqual(['change.waiver-names-a-policy']);
  });

  it('fail the gate once expired, even when nothing matches them any more', async () => {
    const report = await judge([addWaiver(waiver('2026-11-01T00:00:00Z'))]);
    expect(ids(report)).toEqual(['change.waiver-not-expired']);
    expect(blocking(report)[0]!.location).toEqual({ file: 'policies/waivers.yaml', path: `waivers[${(await loadWaivers(REPO_ROOT)).waivers.length}]` });
  });

  it('fail the gate when they cover no finding, naming the waiver', async () => {
    const report = await judge([addWaiver(waiver('2026-12-01T00:00:00Z'))]);
    expect(ids(report)).toEqual(['change.waiver-covers-a-finding']);
    expect(blocking(report)[0]!.message).toBe('waiver for traffic.weights-sum-to-100 on regions/us-west-2.ts traffic.weight, owned by @example-org/sre, matches no finding; remove it');
  });

  it('must expire within changeControl.maxWaiverDays of the judging time', async () => {
    const beyond = await judge([...weights(60, 60), addWaiver(waiver('2027-06-01T00:00:00Z'))]);
    expect(ids(beyond)).toEqual(['change.waiver-within-horizon', 'traffic.weights-sum-to-100']);
    const finding = beyond.findings.find((f) => f.policy === 'change.waiver-within-horizon')!;
    expect(finding.location.path).toBe(`waivers[${(await loadWaivers(REPO_ROOT)).waivers.length}].expires`);
    expect(finding.message).toContain('expires at 2027-06-01T00:00:00.000Z; expected a date within 180 days of 2026-11-20T12:00:00.000Z (changeControl.maxWaiverDays in regions/global.yaml), got 193 days');
    const longer = async (root: string) => edit(root, 'regions/global.yaml', /^terraformState:/m, 'changeControl:\n  maxWaiverDays: 365\nterraformState:');
    expect(ids(await judge([...weights(60, 60), addWaiver(waiver('2027-06-01T00:00:00Z')), longer]))).toEqual(['traffic.weights-sum-to-100']);
  });
});

describe('the policy engine fails closed', () => {
  it('refuses to start without the wasm bundle, saying how to build it', async () => {
    const root = await exampleRepo();
    await rm(path.join(root, 'policies/bundle/policy.wasm'));
    await expect(loadPolicyEngine(root)).rejects.toThrow(/policies\/bundle\/policy\.wasm is missing; rebuild it with `npm run policies:build`/);
  });

  it('gives a bundle without the list of what its policies read the whole input, and judges alike', async () => {
    const root = await exampleRepo();
    const head = await revision(...weights(60, 60));
    const input = policyInput({ ...head, repositoryPaths: [], now: BEFORE_FREEZE });
    const listed = (await loadPolicyEngine(root)).evaluate(input);
    await rm(path.join(root, 'policies/bundle/reads.json'));
    expect((await loadPolicyEngine(root)).evaluate(input)).toEqual(listed);
    expect(listed.findings.map((finding) => finding.policy)).toContain('traffic.weights-sum-to-100');
  });

  it('refuses a list of what the policies read that is not one', async () => {
    const root = await exampleRepo();
    await writeFile(path.join(root, 'policies/bundle/reads.json'), '{"input": "some"}');
    await expect(loadPolicyEngine(root)).rejects.toThrow(/policies\/bundle\/reads\.json is not a list of input keys/);
  });

  it('refuses a corrupt wasm bundle', async () => {
    const root = await exampleRepo();
    await writeFile(path.join(root, 'policies/bundle/policy.wasm'), 'not wasm');
    await expect(loadPolicyEngine(root)).rejects.toThrow(/is not a loadable OPA wasm module/);
  });

  it('refuses findings from a policy the metadata does not describe', async () => {
    const root = await exampleRepo();
    await writeFile(path.join(root, 'policies/bundle/metadata.json'), '[]');
    const stale = await loadPolicyEngine(root);
    const head = await revision(...weights(60, 60));
    expect(() => stale.evaluate(policyInput({ ...head, repositoryPaths: [], now: BEFORE_FREEZE }))).toThrow(/reported policy [a-z-]+\.[a-z0-9-]+, which policies\/bundle\/metadata.json does not describe/);
  });
});

describe('the wasm bundle and the OPA CLI', () => {
  // The wasm SDK implements some builtins in JavaScript (sprintf, json.marshal) and computes numbers
  // differently, so `opa test` passing does not by itself prove the bundle says the same thing.
  it('report the same findings, figures and classification for the same inputs', async () => {
    const opa = resolveTool(REPO_ROOT, 'opa');
    if (!opa.ok) throw new Error(`this specification needs the pinned OPA CLI: ${opa.message}`);
    const scratch = await mkdtemp(path.join(tmpdir(), 'parity-'));
    const scenarios: Array<[string, Edit[], JudgeOptions?]> = [
      ['example', []],
      ['both read-only', [(root) => edit(root, 'regions/us-east-1.ts', 'readOnly: false', 'readOnly: true'), (root) => edit(root, 'regions/us-west-2.ts', 'readOnly: false', 'readOnly: true')]],
      ['60/60', weights(60, 60)],
      ['EU data, RPO 10 min', [(root) => edit(root, 'regions/replication-rules.yaml', /residency: us\n$/, 'residency: eu\n'), (root) => edit(root, 'regions/replication-rules.yaml', 'rpoSeconds: 300', 'rpoSeconds: 600')]],
      ['100-point shift in a freeze', weights(100, 0), { base: [], now: IN_FREEZE }],
    ];
    try {
      for (const [name, edits, options] of scenarios) {
        const input = { ...(await inputFor(edits, options)), policies: engine.policies.map((p) => p.id) };
        const file = path.join(scratch, 'input.json');
        await writeFile(file, JSON.stringify(input));
        const cli = JSON.parse(
          execFileSync(opa.path, ['eval', '--format', 'json', '--data', 'policies/opa', '--input', file, 'data.multiregion.main.report'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
        ) as { result: Array<{ expressions: Array<{ value: PolicyReport }> }> };
        const expected = cli.result[0]!.expressions[0]!.value;
        const actual = engine.evaluate(input);
        const comparable = (report: PolicyReport) => ({
          findings: report.findings.map((f) => `${f.policy} ${f.location.file}: ${f.location.path}: ${f.message}`).sort(),
          resilience: report.resilience,
          classification: report.classification,
        });
        expect(comparable(actual), name).toEqual(comparable({ ...expected, findings: expected.findings as PolicyReport['findings'] }));
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
