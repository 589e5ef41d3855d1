import { execFileSync, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO_IDS, SCENARIOS } from '../schemas/scenarios';
import { drillOutcome, movesTraffic } from '../schemas/drill-record';
import { drillTitle } from '../modules/drills/render';
import type { PolicyReport } from '../policies/engine/engine';
import { breachesOf, DrillError, planDrill, withAssumptions } from '../scripts/lib/drill-plan';
import { readDrillRecord, readDrillRecords, writeDrillRecord } from '../scripts/lib/drill-records';
import { failoverResponse } from '../scripts/lib/drill-response';
import { commitAll, exampleRepo, modelAt, REPO_ROOT, removeScratchRepos } from './helpers/example-repo';

/** `npm run drill -- …` against a scratch repository, as an operator runs it in a clean clone. */
function drill(root: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'drill', ...args, '--root', root]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const git = (root: string, ...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

const fixture = (name: string) => path.join(REPO_ROOT, 'tests/drill-fixtures', name);

let root: string;
let regions: string[];
beforeAll(async () => {
  root = await exampleRepo();
  commitAll(root);
  regions = (await modelAt(root)).regions.map((region) => region.id);
}, 60_000);
afterAll(removeScratchRepos);

describe('npm run drill: every region and scenario', () => {
  const now = new Date('2026-03-01T03:00:00Z');
  for (const from of ['us-east-1', 'us-west-2']) {
    for (const scenarioId of SCENARIO_IDS) {
      it(`plans ${scenarioId} of ${from} as a change the policy gate passes, and writes its evidence`, async () => {
        const to = regions.find((id) => id !== from)!;
        const scenario = SCENARIOS[scenarioId];
        const id = `20260301-030000-${scenarioId}-${from}`;
        const proposer = '@example-org/platform';
        const { record, report } = await planDrill({ root, id, scenario, from, to, proposer, approver: '@example-org/sre', now, assumptions: {}, branch: false, change: failoverResponse({ id, kind: 'failover', scenario, from, to, now, by: proposer, reason: `Drill ${id}` }) });
        expect(report.findings.filter((finding) => !finding.waiver)).toEqual([]);
        expect(record.change).toMatchObject({ passed: true, breaches: [], branch: null });
        expect(record.commit).toBe(git(root, 'rev-parse', 'HEAD'));
        expect(record).toMatchObject({ proposer, approver: '@example-org/sre' });
        // The template that injects the faults, as the stacks tag it; a mirror break's stops the replicator in the region it mirrors into, and there is none into the Kafka primary.
        expect(record.scenario.experimentTemplate).toBe(scenarioId !== 'mirror-break' ? `orders-${from}-${scenarioId}` : from === 'us-east-1' ? 'orders-us-west-2-mirror-break' : null);
        // Only a response that moves traffic is held to the RTO; the others to the RPO and their hypothesis.
        if (movesTraffic(scenarioId)) {
          expect(record.predictions.rto?.arithmetic).toMatch(new RegExp(`^losing ${from}: .* = ${record.predictions.rto?.seconds} s$`));
          expect(record.predictions.rto!.seconds).toBeLessThanOrEqual(record.targets.rtoSeconds);
          expect(drillTitle(record)).toBe(`${scenario.title}, ${from} → ${to}`);
        } else {
          expect(record.predictions.rto).toBeNull();
          expect(drillTitle(record)).toBe(`${scenario.title} in ${from}, no traffic moves`);
          expect(record.change.summary).toMatch(new RegExp(`^${scenarioId} response in ${from}: `));
        }
        expect(record.predictions.rpo.map((figure) => figure.dataSet).sort()).toEqual(record.targets.dataSets.map((dataSet) => dataSet.name).sort());
        expect(record.scenario.faults.map((fault) => fault.id)).toEqual([...scenario.faults]);
        // What the runbook's response changes: traffic and writes move only when the scenario fails over.
        if (scenario.response.failover) {
          expect(record.change.summary).toContain(`${from} traffic.weight`);
          expect(record.change.summary).toContain(`${from} readOnly false → true`);
          expect(record.change.summary).toContain(`declare failover ${from} → ${to}`);
          expect(record.change.files).toContain('regions/global.yaml');
          expect(record.change.class).toBe('cab-required');
        } else {
          expect(record.change.summary).not.toContain('traffic.weight');
          expect(record.change.summary).toContain(scenario.response.pauseProducers ? `${from} degradedMode.pauseProducers false → true` : `${from} degradedMode.priorityWritesOnly false → true`);
        }
        expect(record.change.summary.includes('failover of orders-orders-db')).toBe(scenario.response.failover && from === 'us-east-1');
        expect(record.steps.map((step) => step.order)).toEqual(record.steps.map((_, index) => index + 1));
        expect(record.steps.at(-1)!.where).toContain(`npm run drill -- record ${id} --from-json`);

        await writeDrillRecord(root, record);
        expect(await readDrillRecord(root, id)).toEqual(record);
        expect(await readFile(path.join(root, `operations/drills/${id}.md`), 'utf8')).toContain(`# Drill ${id}: ${drillTitle(record)}`);
        // The checkout is never touched: only the evidence is new.
        expect(git(root, 'status', '--porcelain', '--', 'regions', 'apps', 'generated')).toBe('');
      }, 120_000);
    }
  }

  it('indexes every drill in operations/drill-log.md', async () => {
    const log = await readFile(path.join(root, 'operations/drill-log.md'), 'utf8');
    for (const record of await readDrillRecords(root)) expect(log).toContain(`[${record.id}](drills/${record.id}.md)`);
  });
});

describe('what-if assumptions', () => {
  it('override only resilience assumptions global.yaml has, within their ranges, and leave the model otherwise as it is', async () => {
    const model = await modelAt(root);
    expect(withAssumptions(model, {})).toBe(model);
    expect(withAssumptions(model, { trafficShiftSeconds: 600 }).global.resilience).toEqual({ ...model.global.resilience, trafficShiftSeconds: 600 });
    expect(() => withAssumptions(model, { coffeeSeconds: 5 })).toThrow(DrillError);
    expect(() => withAssumptions(model, { coffeeSeconds: 5 })).toThrow(/coffeeSeconds/);
    expect(() => withAssumptions(model, { trafficShiftSeconds: 99_999 })).toThrow(/^--assume: trafficShiftSeconds: /);
  });
});

describe('npm run drill: the command line', () => {
  it('writes the change and its evidence record as one commit on a new branch drill/<id>, leaving the checkout and its branch alone', async () => {
    const before = git(root, 'rev-parse', 'HEAD');
    const logBefore = await readFile(path.join(root, 'operations/drill-log.md'), 'utf8').catch(() => null);
    const result = await drill(root, '--from', 'us-east-1', '--approver', '@example-org/sre', '--branch', '--now', '2026-03-02T03:00:00Z');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const id = '20260302-030000-outage-us-east-1';
    expect(result.stdout).toContain(`drill ${id}: Region outage, us-east-1 → us-west-2 (failover)`);
    expect(result.stdout).toMatch(/predicted RTO \d+ s \(SLO 900 s\): losing us-east-1: /);
    expect(result.stdout).toContain(`branch: drill/${id}, one commit`);
    expect(git(root, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(root, 'branch', '--show-current')).toBe('main');
    expect(git(root, 'rev-list', '--count', `main..drill/${id}`)).toBe('1');
    const changed = git(root, 'diff', '--name-only', `main`, `drill/${id}`).split('\n');
    expect(changed).toEqual(expect.arrayContaining(['regions/global.yaml', 'regions/us-east-1.ts', 'regions/us-west-2.ts']));
    expect(changed.some((file) => file.startsWith('generated/'))).toBe(true);
    // Minimal diffs: the region file changes only in the values the response sets.
    const diff = git(root, 'diff', '--unified=0', 'main', `drill/${id}`, '--', 'regions/us-east-1.ts');
    expect(diff.split('\n').filter((line) => /^[-+](?![-+])/.test(line)).length).toBeLessThanOrEqual(6);
    expect(git(root, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    // The evidence is committed with the change on the branch, and the checkout is left as it was.
    expect(changed).toEqual(expect.arrayContaining([`operations/drills/${id}.json`, `operations/drills/${id}.md`, 'operations/drill-log.md']));
    expect(JSON.parse(git(root, 'show', `drill/${id}:operations/drills/${id}.json`))).toMatchObject({ id, change: { branch: `drill/${id}` }, proposer: '@example-org/platform', approver: '@example-org/sre' });
    expect(git(root, 'show', `drill/${id}:operations/drill-log.md`)).toContain(`[${id}](drills/${id}.md)`);
    expect(await readDrillRecord(root, id)).toBeUndefined();
    expect(logBefore).toBe(await readFile(path.join(root, 'operations/drill-log.md'), 'utf8').catch(() => null));
    expect(git(root, 'status', '--porcelain', '--', `operations/drills/${id}.json`, `operations/drills/${id}.md`)).toBe('');
  }, 120_000);

  it('exits non-zero naming the RTO term when an assumed approval time breaches the SLO, and records the blocked plan', async () => {
    const result = await drill(root, '--from', 'us-east-1', '--assume', 'approvalSeconds=900', '--now', '2026-03-03T03:00:00Z');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^drill: the plan breaches the RTO SLO: predicted \d+ s > 900 s \(losing us-east-1: .*900 s \(approval\).*\)$/m);
    expect(result.stdout).toContain('what-if: approvalSeconds = 900 s (the inputs are not changed)');
    const record = await readDrillRecord(root, '20260303-030000-outage-us-east-1');
    expect(record?.change.breaches).toEqual(['rto']);
    expect(drillOutcome(record!)).toBe('blocked');
    expect(record?.assumptions).toEqual({ approvalSeconds: 900 });
  }, 120_000);

  it('exits non-zero naming the RPO term when the assumed alert delay lets lag exceed a data set’s target', async () => {
    const result = await drill(root, '--from', 'us-west-2', '--scenario', 'lag-spike', '--assume', 'lagAlertForSeconds=600', '--dry-run', '--now', '2026-03-03T04:00:00Z');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^drill: the plan breaches the RPO SLO: .*600 s alert delay/m);
    expect(result.stdout).toContain('evidence: not written (--dry-run)');
    expect(await readDrillRecord(root, '20260303-040000-lag-spike-us-west-2')).toBeUndefined();
  }, 120_000);

  it('validates a failback from a clean clone as a change from the failover it undoes, with the catch-up check first', async () => {
    const result = await drill(root, 'failback', '--from', 'us-east-1', '--to', 'us-west-2', '--now', '2026-03-04T03:00:00Z');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const record = await readDrillRecord(root, '20260304-030000-failback-us-east-1');
    expect(record?.kind).toBe('failback');
    expect(record?.change).toMatchObject({ passed: true, breaches: [] });
    expect(record?.change.summary).toMatch(/^failback us-east-1 → us-west-2: .*us-east-1 readOnly true → false.*\(judged as a change from the failover it undoes/);
    expect(record?.steps[0]?.what).toMatch(/^Check replication into us-east-1 has caught up: /);
    expect(record?.steps[1]?.what).toMatch(/^Reconcile /);
    expect(git(root, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  }, 120_000);

  it('refuses a failback branch while the checkout is not failed over', async () => {
    const result = await drill(root, 'failback', '--from', 'us-east-1', '--branch', '--now', '2026-03-04T04:00:00Z');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^drill: the checkout is not in the state the response undoes; propose it once the failover it undoes .* is merged$/m);
    expect(git(root, 'branch', '--list', 'drill/20260304-040000-failback-us-east-1')).toBe('');
  }, 120_000);

  it('records an ARC execution and a FIS experiment into the drill, then takes follow-ups and a sign-off by someone other than the approver', async () => {
    const id = '20260301-030000-outage-us-east-1';
    const arc = await drill(root, 'record', id, '--from-json', fixture('arc-get-plan-execution.json'), '--now', '2026-03-01T05:00:00Z');
    expect(arc.stderr).toBe('');
    expect(arc.code).toBe(0);
    expect(arc.stdout).toContain(`drill ${id}: recorded arc-region-switch e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10 (completed, recovery 312 s); outcome passed`);
    const fis = await drill(root, 'record', id, '--from-json', fixture('fis-get-experiment.json'), '--now', '2026-03-01T05:01:00Z');
    expect(fis.code).toBe(0);
    let record = (await readDrillRecord(root, id))!;
    expect(record.measurements.map((m) => [m.source, m.state, m.recoveryTimeSeconds])).toEqual([
      ['arc-region-switch', 'completed', 312],
      ['fis', 'completed', undefined],
    ]);
    expect(record.deviations).toEqual([expect.objectContaining({ term: 'rto', deltaSeconds: 312 - record.predictions.rto!.seconds, breach: false })]);

    expect((await drill(root, 'follow-up', id, '--action', 'Alarm on Aurora promotion taking over 90 s', '--owner', '@example-org/dba', '--due', '2026-04-01')).code).toBe(0);
    const self = await drill(root, 'sign-off', id, '--by', '@example-org/sre', '--statement', 'Evidence reviewed');
    expect(self.code).toBe(1);
    expect(self.stderr).toContain(`drill: drill ${id} was approved by @example-org/sre; someone else signs it off`);
    const signed = await drill(root, 'sign-off', id, '--by', '@example-org/cab', '--statement', 'Evidence reviewed against SOC 2 A1.3', '--now', '2026-03-02T09:00:00Z');
    expect(signed.code).toBe(0);
    record = (await readDrillRecord(root, id))!;
    expect(record.followUps).toEqual([{ action: 'Alarm on Aurora promotion taking over 90 s', owner: '@example-org/dba', due: '2026-04-01', done: false }]);
    expect(record.signOff).toEqual({ by: '@example-org/cab', at: '2026-03-02T09:00:00.000Z', statement: 'Evidence reviewed against SOC 2 A1.3' });
    const markdown = await readFile(path.join(root, `operations/drills/${id}.md`), 'utf8');
    expect(markdown).toContain('Recovery time: 312 s.');
    expect(markdown).toContain('Signed off by @example-org/cab at 2026-03-02T09:00:00.000Z: Evidence reviewed against SOC 2 A1.3');
  }, 120_000);

  it('refuses a measurement that belongs to another drill, or that is not an ARC or FIS description, recording nothing', async () => {
    const id = '20260301-030000-outage-us-west-2';
    const before = await readFile(path.join(root, `operations/drills/${id}.json`), 'utf8');
    const wrongRegion = await drill(root, 'record', id, '--from-json', fixture('arc-get-plan-execution.json'));
    expect(wrongRegion.code).toBe(1);
    expect(wrongRegion.stderr).toContain(`drill: the execution e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10 activates us-west-2, but drill ${id} moves traffic from us-west-2 to us-east-1; nothing recorded`);
    const other = path.join(root, 'not-a-measurement.json');
    await writeFile(other, JSON.stringify({ Reservations: [] }));
    const wrongShape = await drill(root, 'record', id, '--from-json', other);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr).toContain('is not a measurement this command reads');
    expect(await readFile(path.join(root, `operations/drills/${id}.json`), 'utf8')).toBe(before);
  }, 120_000);

  it('answers a wrong command line with the usage and exit 2', async () => {
    for (const args of [['--from', 'eu-west-9'], ['--from', 'us-east-1', '--scenario', 'meteor'], ['--from', 'us-east-1', '--approver', 'alice'], ['record', '../../etc/passwd', '--from-json', 'x.json'], ['--from', 'us-east-1', '--assume', 'coffeeSeconds=5'], ['--from', 'us-east-1', '--reason', 'drill\n--- forged line']]) {
      const result = await drill(root, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage: npm run drill --');
    }
  }, 120_000);
});

describe('npm run drill: scenarios that move no traffic', () => {
  it('holds only a response that moves traffic to the RTO of losing the region; every scenario to the RPO', () => {
    const figures = (rtoSeconds: number, rpoBound: number) =>
      ({ resilience: { rto: { sloSeconds: 900, byRegion: { 'us-east-1': { seconds: rtoSeconds } } }, rpo: { sloSeconds: 300, byDataSet: { 'orders-db': { boundSeconds: rpoBound, targetSeconds: 120 } } } } }) as unknown as PolicyReport;
    expect(breachesOf(figures(1170, 90), 'us-east-1', SCENARIOS.outage)).toEqual(['rto']);
    expect(breachesOf(figures(1170, 90), 'us-east-1', SCENARIOS['mirror-break'])).toEqual([]);
    expect(breachesOf(figures(1170, 600), 'us-east-1', SCENARIOS['lag-spike'])).toEqual(['rpo']);
  });

  it('labels a mirror break by its scenario, with no RTO and no database promotion', async () => {
    const result = await drill(root, '--from', 'us-east-1', '--scenario', 'mirror-break', '--dry-run', '--now', '2026-03-05T03:00:00Z');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drill 20260305-030000-mirror-break-us-east-1: Kafka mirror break in us-east-1, no traffic moves (failover)');
    expect(result.stdout).toContain('RTO: not held (no traffic moves; the drill is held to the RPO and its hypothesis)');
    // The plan's own figures (the steps come from modules/failover.ts): no RTO, no promotion.
    expect(result.stdout.slice(0, result.stdout.indexOf('\nsteps:'))).not.toMatch(/predicted RTO|database promotion|RTO \d+ s/);
    expect(result.stdout).toMatch(/change: mirror-break response in us-east-1: us-east-1 degradedMode\.pauseProducers false → true/);
    // The replicator that mirrors us-east-1 into us-west-2 runs in us-west-2: that region's template stops it.
    expect(result.stdout).toContain('faults: start the FIS experiment template orders-us-west-2-mirror-break within the window, tagged for this drill: aws fis start-experiment --experiment-template-id <its id> --tags Name=orders-us-west-2-mirror-break,scenario=mirror-break,drill=20260305-030000-mirror-break-us-east-1');
  }, 120_000);
});

describe('npm run drill: who proposes and who approves', () => {
  it('refuses an approver who is the proposer', async () => {
    const result = await drill(root, '--from', 'us-east-1', '--by', '@example-org/sre', '--approver', '@Example-Org/SRE', '--dry-run', '--now', '2026-03-06T03:00:00Z');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('drill: --approver @Example-Org/SRE is the proposer; someone else approves the drill');
  }, 120_000);

  it('plans a drill with no approver, as the schedule does, and signs it off only once someone other than the proposer approved it', async () => {
    const id = '20260307-030000-outage-us-east-1';
    const planned = await drill(root, '--from', 'us-east-1', '--now', '2026-03-07T03:00:00Z');
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('proposer: @example-org/platform; approver: none yet');
    expect(planned.stdout).toContain(`approver: none yet; before sign-off, someone other than @example-org/platform approves: npm run drill -- approve ${id} --by @handle`);
    const execution = path.join(root, 'execution.json');
    const arc = JSON.parse(await readFile(fixture('arc-get-plan-execution.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(execution, JSON.stringify({ ...arc, startTime: '2026-03-07T03:10:00Z', endTime: '2026-03-07T03:15:00Z' }));
    expect((await drill(root, 'record', id, '--from-json', execution, '--now', '2026-03-07T04:00:00Z')).code).toBe(0);

    const unapproved = await drill(root, 'sign-off', id, '--by', '@example-org/cab', '--statement', 'Evidence reviewed');
    expect(unapproved.code).toBe(1);
    expect(unapproved.stderr).toContain(`drill: drill ${id} has no approver (a scheduled plan has none); someone other than @example-org/platform approves it first: npm run drill -- approve ${id} --by @handle`);
    const byProposer = await drill(root, 'approve', id, '--by', '@example-org/platform');
    expect(byProposer.code).toBe(1);
    expect(byProposer.stderr).toContain(`drill: drill ${id} was proposed by @example-org/platform; someone else approves it`);
    expect((await drill(root, 'approve', id, '--by', '@example-org/sre')).code).toBe(0);
    expect((await readDrillRecord(root, id))?.approver).toBe('@example-org/sre');
    for (const [by, role] of [['@example-org/sre', 'approved'], ['@example-org/platform', 'proposed']] as const) {
      const refused = await drill(root, 'sign-off', id, '--by', by, '--statement', 'Evidence reviewed');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`drill: drill ${id} was ${role} by ${by}; someone else signs it off`);
    }
    expect((await drill(root, 'sign-off', id, '--by', '@example-org/cab', '--statement', 'Evidence reviewed')).code).toBe(0);
  }, 180_000);
});

describe('npm run drill: during a change freeze', () => {
  // regions/global.yaml freezes changes from 2026-11-26 to 2026-12-02 (peak-season-2026).
  const inFreeze = '2026-11-27T03:00:00Z';

  it('refuses to plan without an emergency approver, saying to pass one', async () => {
    const result = await drill(root, '--from', 'us-east-1', '--dry-run', '--now', inFreeze);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('drill: the change freeze peak-season-2026 is in force until 2026-12-02T00:00:00.000Z');
    expect(result.stderr).toContain('needs an emergency approved by a CAB member other than @example-org/platform: pass --emergency-approver @handle');
  }, 120_000);

  it('refuses the proposer as the emergency approver, and an emergency approver outside a freeze', async () => {
    const self = await drill(root, '--from', 'us-east-1', '--emergency-approver', '@example-org/platform', '--dry-run', '--now', inFreeze);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('drill: --emergency-approver @example-org/platform is the proposer (the first owner of regions/, as --by is not given); someone else approves the drill');
    const outside = await drill(root, '--from', 'us-east-1', '--emergency-approver', '@example-org/sre', '--dry-run', '--now', '2026-03-08T03:00:00Z');
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('drill: --emergency-approver: no change freeze is in force at 2026-03-08T03:00:00.000Z; drop it');
  }, 120_000);

  it('with an emergency approver proposes the emergency beside the failover, as the standing plans are judged, and the policies pass it', async () => {
    const id = '20261127-030000-outage-us-east-1';
    const result = await drill(root, '--from', 'us-east-1', '--emergency-approver', '@example-org/sre', '--approver', '@example-org/cab', '--branch', '--now', inFreeze);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('the policies pass it');
    const global = git(root, 'show', `drill/${id}:regions/global.yaml`);
    expect(global).toMatch(/kind: emergency[\s\S]*approvedBy: "?@example-org\/sre"?/);
    expect(global).toMatch(/kind: failover[\s\S]*declaredBy: "?@example-org\/platform"?/);
  }, 120_000);
});

describe('npm run drill -- record: what belongs to a drill', () => {
  const id = '20260301-030000-outage-us-east-1';
  const fis = async (change: (experiment: Record<string, unknown>) => void): Promise<string> => {
    const value = JSON.parse(await readFile(fixture('fis-get-experiment.json'), 'utf8')) as { experiment: Record<string, unknown> };
    change(value.experiment);
    const file = path.join(root, 'experiment.json');
    await writeFile(file, JSON.stringify(value));
    return file;
  };

  it('refuses a FIS experiment of another template, of another drill, or started outside the drill window', async () => {
    const before = await readFile(path.join(root, `operations/drills/${id}.json`), 'utf8');
    const cases: Array<[(experiment: Record<string, unknown>) => void, string]> = [
      [(e) => (e.tags = {}), `drill: the experiment EXPk7Tq2LmZ9xW4aB carries no template tags, but drill ${id} injects its faults with the template orders-us-east-1-outage; start that template with --tags Name=orders-us-east-1-outage,scenario=outage,drill=${id}`],
      [(e) => (e.tags = { Name: 'orders-us-east-1-lag-spike', scenario: 'lag-spike' }), 'carries Name=orders-us-east-1-lag-spike, scenario=lag-spike, but drill'],
      [(e) => (e.tags = { Name: 'orders-us-east-1-outage', scenario: 'outage', drill: '20260302-030000-outage-us-east-1' }), `is tagged for drill 20260302-030000-outage-us-east-1, not ${id}`],
      [(e) => (e.startTime = '2026-02-27T03:00:00Z'), `started at 2026-02-27T03:00:00.000Z, outside drill ${id}'s window (2026-03-01T03:00:00.000Z to 2026-03-01T07:00:00.000Z)`],
    ];
    for (const [change, message] of cases) {
      const result = await drill(root, 'record', id, '--from-json', await fis(change));
      expect(result.code, message).toBe(1);
      expect(result.stderr).toContain(message);
    }
    expect(await readFile(path.join(root, `operations/drills/${id}.json`), 'utf8')).toBe(before);
  }, 120_000);

  it('keeps a failover drill measured only by its FIS experiment incomplete until a recovery time is recorded', async () => {
    const planned = '20260309-030000-outage-us-east-1';
    expect((await drill(root, '--from', 'us-east-1', '--approver', '@example-org/sre', '--now', '2026-03-09T03:00:00Z')).code).toBe(0);
    const file = await fis((e) => {
      e.startTime = '2026-03-09T03:00:12Z';
      e.tags = { Name: 'orders-us-east-1-outage', scenario: 'outage', drill: planned };
    });
    const result = await drill(root, 'record', planned, '--from-json', file, '--now', '2026-03-09T04:00:00Z');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('outcome incomplete');
    expect(drillOutcome((await readDrillRecord(root, planned))!)).toBe('incomplete');
    expect(await readFile(path.join(root, `operations/drills/${planned}.md`), 'utf8')).toContain('| outcome | incomplete: measured, but no recovery time yet (record the Region switch execution) |');
  }, 120_000);

  it('refuses a step name or action key that would forge a paragraph in the evidence, naming where it is', async () => {
    const before = await readFile(path.join(root, `operations/drills/${id}.md`), 'utf8');
    const forged = 'a|b\n\nSigned off: all good\n\n| x | y |';
    const file = await fis((e) => (e.actions = { [forged]: { actionId: 'aws:fis:wait', state: { status: 'completed' } } }));
    const result = await drill(root, 'record', id, '--from-json', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a measurement this command reads');
    expect(result.stderr).toMatch(/experiment\.actions.*one line/);
    expect(await readFile(path.join(root, `operations/drills/${id}.md`), 'utf8')).toBe(before);
  }, 120_000);
});
