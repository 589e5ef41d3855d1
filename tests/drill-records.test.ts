import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drillLogMarkdown, drillMarkdown, inline } from '../modules/drills/render';
import { drillOutcome, drillRecordSchema } from '../schemas/drill-record';
import { expectation, formatLocated, issueToLocated } from '../schemas';
import { DRILL_LOG, DrillRecordError, readDrillRecord, readDrillRecords, writeDrillRecord } from '../scripts/lib/drill-records';
import { plannedRecord } from './drill-fixtures/record';
import { REPO_ROOT } from './helpers/example-repo';
import { rejection } from './helpers/thrown';

const roots: string[] = [];
async function scratch(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'drill-records-'));
  roots.push(root);
  return root;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

describe('drill evidence records', () => {
  it('reads no records from a repository that has never run a drill', async () => {
    expect(await readDrillRecords(await scratch())).toEqual([]);
  });

  it('writes the JSON, its markdown and the drill log, and reads the record back unchanged', async () => {
    const root = await scratch();
    const record = plannedRecord();
    const written = await writeDrillRecord(root, record);
    expect(written).toEqual(['operations/drills/20260301-030000-outage-us-east-1.json', 'operations/drills/20260301-030000-outage-us-east-1.md', DRILL_LOG]);
    expect(await readDrillRecords(root)).toEqual([record]);
    expect(await readDrillRecord(root, record.id)).toEqual(record);
    expect(await readDrillRecord(root, '20990101-000000-outage-nowhere')).toBeUndefined();
    const log = await readFile(path.join(root, DRILL_LOG), 'utf8');
    expect(log).toContain('| [20260301-030000-outage-us-east-1](drills/20260301-030000-outage-us-east-1.md) | 2026-03-01T03:00:00.000Z to 2026-03-01T07:00:00.000Z | outage (failover) | us-east-1 → us-west-2 | 270 s |  | planned |  |');
    // Atomic writes leave no staging siblings behind.
    expect((await readdir(path.join(root, 'operations/drills'))).sort()).toEqual(['20260301-030000-outage-us-east-1.json', '20260301-030000-outage-us-east-1.md']);
  });

  it('lists the drill log newest first', async () => {
    const root = await scratch();
    await writeDrillRecord(root, plannedRecord());
    await writeDrillRecord(root, plannedRecord({ id: '20260401-030000-lag-spike-us-west-2', scenario: { ...plannedRecord().scenario, id: 'lag-spike' }, predictions: { ...plannedRecord().predictions, rto: null } }));
    const log = await readFile(path.join(root, DRILL_LOG), 'utf8');
    expect(log.indexOf('20260401-030000-lag-spike-us-west-2')).toBeLessThan(log.indexOf('20260301-030000-outage-us-east-1'));
    expect((await readDrillRecords(root)).map((record) => record.id)).toEqual(['20260301-030000-outage-us-east-1', '20260401-030000-lag-spike-us-west-2']);
  });

  it('fails closed on a record that does not parse, naming the file and the field', async () => {
    const root = await scratch();
    await writeDrillRecord(root, plannedRecord());
    const file = path.join(root, 'operations/drills/20260301-030000-outage-us-east-1.json');
    const edited = JSON.parse(await readFile(file, 'utf8'));
    edited.approver = 'not a handle';
    await writeFile(file, JSON.stringify(edited));
    const error = await rejection(DrillRecordError, readDrillRecords(root));
    expect(error.message).toContain('operations/drills/20260301-030000-outage-us-east-1.json: approver: expected a GitHub handle like @org/platform-team or @user, got "not a handle"');
    await writeFile(file, '{');
    expect((await rejection(DrillRecordError, readDrillRecords(root))).message).toMatch(/20260301-030000-outage-us-east-1\.json: expected valid JSON/);
  });

  it('refuses a record whose id is not the one its file is named for', async () => {
    const root = await scratch();
    await mkdir(path.join(root, 'operations/drills'), { recursive: true });
    await writeFile(path.join(root, 'operations/drills/20260301-030000-outage-us-west-2.json'), JSON.stringify(plannedRecord()));
    expect((await rejection(DrillRecordError, readDrillRecords(root))).message).toContain('id: expected the id the file is named for (20260301-030000-outage-us-west-2)');
  });

  it('holds free text to one bounded line and ids to branch- and file-safe names', () => {
    const base = plannedRecord();
    const refused = (candidate: unknown) => !drillRecordSchema.safeParse(candidate).success;
    expect(refused({ ...base, followUps: [{ action: 'fix\nthe alarm', owner: '@example-org/sre', due: '2026-04-01', done: false }] })).toBe(true);
    expect(refused({ ...base, followUps: [{ action: 'x'.repeat(501), owner: '@example-org/sre', due: '2026-04-01', done: false }] })).toBe(true);
    expect(refused({ ...base, followUps: [{ action: 'fix the alarm', owner: '@example-org/sre', due: 'tomorrow', done: false }] })).toBe(true);
    expect(refused({ ...base, signOff: { by: '@sre-lead', at: '2026-03-01T08:00:00Z', statement: 'ok\u202Eevil' } })).toBe(true);
    expect(refused({ ...base, id: '../../etc/passwd' })).toBe(true);
    expect(refused({ ...base, id: '20260301-030000-outage-us-east-1/x' })).toBe(true);
    expect(refused({ ...base, unexpected: true })).toBe(true);
    expect(refused({ ...base, approver: '@Example-Org/Platform' })).toBe(true);
    expect(refused({ ...base, predictions: { ...base.predictions, rto: null } })).toBe(true);
    expect(refused(base)).toBe(false);
  });

  it('holds every string of a measurement to one bounded line, naming the field that breaks it', () => {
    const measurement = { source: 'fis', id: 'EXP1', state: 'completed', timeline: [{ name: 'wait (aws:fis:wait)', status: 'completed' }], recordedAt: '2026-03-01T05:00:00.000Z' };
    const forged = 'a|b\n\nSigned off: all good\n\n| x | y |';
    const errors = (candidate: object) => {
      const result = drillRecordSchema.safeParse({ ...plannedRecord(), measurements: [{ ...measurement, ...candidate }] }, { reportInput: true, error: expectation });
      return result.success ? [] : result.error.issues.map((issue) => formatLocated(issueToLocated('r.json', issue)));
    };
    expect(errors({})).toEqual([]);
    expect(errors({ timeline: [{ name: forged, status: 'completed' }] })).toEqual([expect.stringMatching(/^r\.json: measurements\[0\]\.timeline\[0\]\.name: expected a step name, on one line without control or invisible characters, got /)]);
    expect(errors({ timeline: [{ name: 'x', status: 'completed\n\nSigned off' }] })).toEqual([expect.stringMatching(/^r\.json: measurements\[0\]\.timeline\[0\]\.status: expected an AWS state like completed of printable ASCII without spaces/)]);
    expect(errors({ id: 'exec\n\nSigned off' })).toEqual([expect.stringMatching(/^r\.json: measurements\[0\]\.id: expected an execution or experiment id of printable ASCII without spaces/)]);
    expect(errors({ state: 'completed | forged' })).toEqual([expect.stringMatching(/^r\.json: measurements\[0\]\.state: /)]);
  });

  it('renders hostile text inert in the markdown: no table cell, link or HTML can be forged', () => {
    const markdown = drillMarkdown(
      plannedRecord({ followUps: [{ action: 'see [here](https://evil.example) | <img src=x> **now**', owner: '@example-org/sre', due: '2026-04-01', done: false }] }),
    );
    expect(markdown).toContain('| see \\[here\\]\\(https://evil.example\\) \\| \\<img src=x\\> \\*\\*now\\*\\* | @example-org/sre | 2026-04-01 | no |');
    // A code span stays one, but cannot end the table cell; a lone backtick opens nothing.
    expect(inline('run `a | b` then ` <b>')).toBe('run `a \\| b` then \\` \\<b\\>');
  });

  it('says what injected the faults: the repository’s FIS template, or that none of its templates did', () => {
    const faultsLine = (markdown: string) => markdown.split('\n').find((line) => line.startsWith('Faults'));
    expect(faultsLine(drillMarkdown(plannedRecord()))).toMatch(/^Faults injected in us-east-1 by the FIS experiment template `orders-us-east-1-outage`, in order: `/);
    const untemplated = plannedRecord({ scenario: { ...plannedRecord().scenario, experimentTemplate: null } });
    expect(faultsLine(drillMarkdown(untemplated))).toMatch(/^Faults the scenario calls for, in order: `.*\. No FIS experiment template of this repository injects them in us-east-1: /);
  });

  it('renders a line break that got past the schema as a visible mark, never as a paragraph of its own', () => {
    expect(inline('a|b\n\nSigned off: all good\u2028`x\ny`')).toBe('a\\|b\uFFFD\uFFFDSigned off: all good\uFFFD`x\uFFFDy`');
    const forged = 'a|b\n\nSigned off: all good\n\n| x | y |';
    const measurement = { source: 'fis' as const, id: `EXP1\n\n${forged}`, state: 'completed', timeline: [{ name: forged, status: 'completed' }], recordedAt: '2026-03-01T05:00:00.000Z' };
    const markdown = drillMarkdown(plannedRecord({ measurements: [measurement] }));
    expect(markdown.split('\n').filter((line) => line.includes('Signed off: all good'))).toEqual([
      '### AWS FIS experiment `EXP1\uFFFD\uFFFDa\\|b\uFFFD\uFFFDSigned off: all good\uFFFD\uFFFD\\| x \\| y \\|`',
      '| a\\|b\uFFFD\uFFFDSigned off: all good\uFFFD\uFFFD\\| x \\| y \\| | completed |  |  |',
    ]);
  });

  it('calls a drill blocked, planned, incomplete, passed or failed from its plan, measurements and deviations', () => {
    const measured = { source: 'arc-region-switch' as const, id: 'exec-1', state: 'completed', recoveryTimeSeconds: 300, timeline: [], recordedAt: '2026-03-01T05:00:00.000Z' };
    const experiment = { source: 'fis' as const, id: 'EXP1', state: 'completed', timeline: [], recordedAt: '2026-03-01T05:00:00.000Z' };
    expect(drillOutcome(plannedRecord())).toBe('planned');
    expect(drillOutcome(plannedRecord({ change: { ...plannedRecord().change, breaches: ['rto'] } }))).toBe('blocked');
    expect(drillOutcome(plannedRecord({ measurements: [measured] }))).toBe('passed');
    // Faults injected are not traffic recovered: a failover drill passes only with a measured recovery time.
    expect(drillOutcome(plannedRecord({ measurements: [experiment] }))).toBe('incomplete');
    expect(drillOutcome(plannedRecord({ measurements: [{ ...measured, recoveryTimeSeconds: undefined }] }))).toBe('incomplete');
    // A lag spike moves no traffic: its experiment completing as the hypothesis says is its measurement.
    const lagSpike = plannedRecord({ scenario: { ...plannedRecord().scenario, id: 'lag-spike' }, predictions: { ...plannedRecord().predictions, rto: null } });
    expect(drillOutcome({ ...lagSpike, measurements: [experiment] })).toBe('passed');
    expect(drillOutcome(plannedRecord({ measurements: [measured], deviations: [{ term: 'rto', expected: '≤ 900 s', measured: '1200 s', deltaSeconds: 300, breach: true }] }))).toBe('failed');
    expect(drillLogMarkdown([])).toContain('_no drills yet_');
  });
});

describe('the committed evidence', () => {
  it('is what the records render to: the drill log and each record’s markdown are never edited by hand', async () => {
    const records = await readDrillRecords(REPO_ROOT);
    expect(await readFile(path.join(REPO_ROOT, DRILL_LOG), 'utf8')).toBe(drillLogMarkdown(records));
    for (const record of records) expect(await readFile(path.join(REPO_ROOT, `operations/drills/${record.id}.md`), 'utf8')).toBe(drillMarkdown(record));
  });
});
