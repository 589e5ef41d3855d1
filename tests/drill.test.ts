import { execFileSync, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO_IDS, SCENARIOS } from '../schemas/scenarios';
import { drillOutcome } from '../schemas/drill-record';
import { DrillError, planDrill, withAssumptions } from '../scripts/lib/drill-plan';
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
        const { record, report } = await planDrill({ root, id, scenario, from, to, approver: '@example-org/sre', now, assumptions: {}, branch: false, change: failoverResponse({ id, kind: 'failover', scenario, from, to, now, reason: `Drill ${id}` }) });
        expect(report.findings.filter((finding) => !finding.waiver)).toEqual([]);
        expect(record.change).toMatchObject({ passed: true, breaches: [], branch: null });
        expect(record.commit).toBe(git(root, 'rev-parse', 'HEAD'));
        expect(record.predictions.rto.arithmetic).toMatch(new RegExp(`^losing ${from}: .* = ${record.predictions.rto.seconds} s$`));
        expect(record.predictions.rto.seconds).toBeLessThanOrEqual(record.targets.rtoSeconds);
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
        expect(await readFile(path.join(root, `operations/drills/${id}.md`), 'utf8')).toContain(`# Drill ${id}: ${scenario.title}, ${from} → ${to}`);
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
  it('writes the change as one commit on a new branch drill/<id>, leaving the checkout and its branch alone', async () => {
    const before = git(root, 'rev-parse', 'HEAD');
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
    expect((await readDrillRecord(root, id))?.change.branch).toBe(`drill/${id}`);
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
    expect(record.deviations).toEqual([expect.objectContaining({ term: 'rto', deltaSeconds: 312 - record.predictions.rto.seconds, breach: false })]);

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
