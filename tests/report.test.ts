import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDrillRecord } from '../scripts/lib/drill-records';
import { plannedRecord } from './drill-fixtures/record';
import { commitAll, edit, exampleRepo, REPO_ROOT } from './helpers/example-repo';

/**
 * A repository with known history on `main`: the example (2026-11-01), a weight change (11-20), a docs-only change
 * (11-21), a waiver (11-22) and a commit whose subject tries to break out of its table cell (11-23); drills
 * in and out of the window. Reports run for the week 2026-11-19 to 2026-11-26.
 */
let root: string;

function commit(message: string, date: string): string {
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env, encoding: 'utf8' }).trim();
  git('add', '-A');
  git('-c', 'user.name=Dana Operator', '-c', 'user.email=dana@example.com', 'commit', '--quiet', '-m', message);
  return git('rev-parse', 'HEAD');
}

function report(...args: string[]) {
  const { MR_BASE_REF: _ignored, ...env } = process.env;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'report', '--root', root, ...args], { encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const WEEK = ['--since', '2026-11-19T00:00:00Z', '--until', '2026-11-26T00:00:00Z'];

/** The cells of the table row whose first cell is `first`; escaped pipes stay inside their cell. */
function row(markdown: string, first: string): string[] {
  const line = markdown.split('\n').find((candidate) => candidate.startsWith(`| ${first} |`));
  if (!line) throw new Error(`no table row starting with ${first}`);
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

beforeAll(async () => {
  root = await exampleRepo();
  // The example's committed output as this checkout's constructs make it, so later diffs are the changes' own.
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'synth', '--root', root, '--quiet']);
  commitAll(root);
  execFileSync('git', ['-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '--amend', '--no-edit', '--date', '2026-11-01T09:00:00Z'], {
    cwd: root,
    env: { ...process.env, GIT_COMMITTER_DATE: '2026-11-01T09:00:00Z' },
  });
  await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 40');
  await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 60');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'synth', '--root', root, '--quiet']);
  commit('Shift 10 points of traffic to us-west-2 (#41)', '2026-11-20T10:00:00Z');
  await mkdir(path.join(root, 'docs'), { recursive: true });
  await writeFile(path.join(root, 'docs/notes.md'), '# Notes\n');
  commit('Merge pull request #42 from example-org/docs\n\nOperator notes', '2026-11-21T10:00:00Z');
  await writeFile(
    path.join(root, 'policies/waivers.yaml'),
    'waivers:\n  - policy: infrastructure.deletion-protection\n    target: { file: generated/terraform/us-west-2/cdk.tf.json, path: resource.aws_rds_cluster.scratch }\n    reason: Scratch cluster for the failover drill, recreated each month.\n    owner: "@example-org/dba"\n    expires: 2026-12-10T00:00:00Z\n',
  );
  commit('Waive deletion protection on the drill scratch cluster', '2026-11-22T10:00:00Z');
  await writeFile(path.join(root, 'docs/notes.md'), '# Notes\n\nMore.\n');
  commit('Notes | <img src=x onerror=alert(1)> [click](https://evil.example) **bold**', '2026-11-23T10:00:00Z');
  await writeDrillRecord(root, plannedRecord({ id: '20261124-030000-outage-us-east-1', window: { start: '2026-11-24T03:00:00.000Z', end: '2026-11-24T05:00:00.000Z' }, followUps: [{ action: 'Shorten the DNS TTL of the regional record', owner: '@example-org/platform', due: '2026-11-25', done: false }] }));
  await writeDrillRecord(
    root,
    plannedRecord({
      id: '20261124-040000-lag-spike-us-west-2',
      scenario: { id: 'lag-spike', title: 'Replication lag spike', hypothesis: 'Lag recovers under priority writes only.', faults: [], runbook: 'Replication lag spike', experimentTemplate: 'orders-us-west-2-lag-spike' },
      regions: { from: 'us-west-2', to: 'us-east-1' },
      window: { start: '2026-11-24T04:00:00.000Z', end: '2026-11-24T05:00:00.000Z' },
      predictions: { ...plannedRecord().predictions, rto: null },
      measurements: [{ source: 'fis', id: 'EXP1', state: 'completed', timeline: [], recordedAt: '2026-11-24T05:10:00.000Z' }],
    }),
  );
  // Measured and passed, but as a what-if (--assume): not a rehearsal of the configuration as it is.
  await writeDrillRecord(
    root,
    plannedRecord({
      id: '20261125-030000-outage-us-west-2',
      regions: { from: 'us-west-2', to: 'us-east-1' },
      scenario: { ...plannedRecord().scenario, experimentTemplate: 'orders-us-west-2-outage' },
      window: { start: '2026-11-25T03:00:00.000Z', end: '2026-11-25T05:00:00.000Z' },
      assumptions: { approvalSeconds: 60 },
      measurements: [{ source: 'arc-region-switch', id: 'exec-2', state: 'completed', recoveryTimeSeconds: 300, timeline: [], recordedAt: '2026-11-25T05:10:00.000Z' }],
      deviations: [{ term: 'rto', expected: '≤ 900 s (SLO), predicted 270 s', measured: '300 s', deltaSeconds: 30, breach: false }],
    }),
  );
  await writeDrillRecord(root, plannedRecord({ id: '20261001-030000-outage-us-east-1', window: { start: '2026-10-01T03:00:00.000Z', end: '2026-10-01T05:00:00.000Z' } }));
  commit('Drill records of 2026-11-24', '2026-11-24T06:00:00Z');
}, 120_000);

describe('npm run report -- weekly', () => {
  let weekly: { code: number | null; stdout: string; stderr: string };
  beforeAll(() => {
    weekly = report('weekly', ...WEEK);
  }, 120_000);

  it('lists the changes merged on main in the window, newest first, each classified by the policy engine as at merge time', () => {
    expect(weekly.stderr).toBe('');
    expect(weekly.code).toBe(0);
    expect(weekly.stdout).toMatch(/^# Weekly operations report: 2026-11-19 to 2026-11-26 \(UTC\)\n/);
    expect(weekly.stdout).toContain('5 merged on `main`: standard 2, normal 2, cab-required 1, emergency 0.');
    expect(row(weekly.stdout, '2026-11-20T10:00:00.000Z')).toEqual([
      '2026-11-20T10:00:00.000Z',
      expect.stringMatching(/^`[0-9a-f]{12}`$/),
      'Shift 10 points of traffic to us-west-2 \\(\\#41\\) (pull request #41)',
      'Dana Operator',
      'normal (`weight-shift-within-limit`)',
      '0',
    ]);
    expect(row(weekly.stdout, '2026-11-21T10:00:00.000Z')[2]).toBe('Merge pull request \\#42 from example-org/docs (pull request #42)');
    expect(row(weekly.stdout, '2026-11-21T10:00:00.000Z')[4]).toMatch(/^standard /);
    // The waiver covers no finding, so the change merged with a blocking finding: the report says so.
    expect(row(weekly.stdout, '2026-11-22T10:00:00.000Z').slice(4)).toEqual(['cab-required (`policy-changed`)', '1']);
    expect(weekly.stdout).not.toContain('2026-11-01T09:00:00');
  });

  it('keeps a hostile commit subject inside its table cell, with no link, HTML or emphasis', () => {
    const cells = row(weekly.stdout, '2026-11-23T10:00:00.000Z');
    expect(cells).toHaveLength(6);
    expect(cells[2]).toBe('Notes \\| \\<img src=x onerror=alert\\(1\\)\\> \\[click\\]\\(https://evil.example\\) \\*\\*bold\\*\\*');
  });

  it('lists the drills started in the window with predicted and measured recovery, and open follow-ups, overdue ones marked', () => {
    expect(weekly.stdout).toContain('3 drills: passed 2, failed 0, incomplete 0, blocked 0, planned 1.');
    expect(row(weekly.stdout, '`20261124-030000-outage-us-east-1`')).toEqual(['`20261124-030000-outage-us-east-1`', 'failover', 'outage', 'us-east-1 → us-west-2', '@example-org/sre', '270 s (target 900 s)', '_not recorded_', 'planned']);
    // A lag spike moves no traffic: it is not held to the RTO, and its FIS experiment alone can pass it.
    expect(row(weekly.stdout, '`20261124-040000-lag-spike-us-west-2`').slice(5)).toEqual(['not held (no traffic moves)', '_not recorded_', 'passed']);
    expect(weekly.stdout).not.toContain('20261001-030000-outage-us-east-1');
    expect(row(weekly.stdout, '**2026-11-25 (overdue)**')).toEqual(['**2026-11-25 (overdue)**', '@example-org/platform', 'Shorten the DNS TTL of the regional record', '`20261124-030000-outage-us-east-1`']);
  });

  it('lists waivers expiring within 30 days of the window’s end, and no freeze that starts as the window ends', () => {
    expect(row(weekly.stdout, '2026-12-10T00:00:00.000Z')).toEqual([
      '2026-12-10T00:00:00.000Z',
      '`infrastructure.deletion-protection`',
      '`generated/terraform/us-west-2/cdk.tf.json` resource.aws\\_rds\\_cluster.scratch',
      '@example-org/dba',
      'Scratch cluster for the failover drill, recreated each month.',
    ]);
    expect(weekly.stdout).not.toContain('peak-season-2026');
  });

  it('shows the SLO configuration and the configured bounds, and leaves every measured figure blank with where to read it', () => {
    expect(row(weekly.stdout, 'availability')).toEqual(['availability', '99.95 %']);
    expect(row(weekly.stdout, 'orders-db').slice(0, 5)).toEqual(['orders-db', 'aurora, active-passive', '30 s', '120 s', '90 s']);
    expect(weekly.stdout).toContain('- us-east-1: losing us-east-1:');
    for (const region of ['us-east-1', 'us-west-2']) {
      const availability = row(weekly.stdout, region);
      expect(availability[3]).toMatch(/^_to fill: .+Prometheus/);
    }
    expect(weekly.stdout).toContain('## Incidents\n\n_to fill: incidents opened in the window');
  });
});

describe('npm run report -- monthly', () => {
  it('adds drill outcomes, the region × scenario pairs not rehearsed (a plan never measured or a what-if does not count), risk posture, and blanks for cost and SLA', () => {
    const monthly = report('monthly', '--since', '2026-11-01T00:00:00Z', '--until', '2026-12-01T00:00:00Z');
    expect(monthly.stderr).toBe('');
    expect(monthly.code).toBe(0);
    expect(monthly.stdout).toMatch(/^# Monthly executive report: 2026-11-01 to 2026-12-01 \(UTC\)\n/);
    expect(monthly.stdout).toContain('### Not rehearsed in the window\n\n- us-east-1 outage\n- us-east-1 partition\n- us-east-1 mirror-break\n- us-east-1 lag-spike\n- us-west-2 outage\n- us-west-2 partition\n- us-west-2 mirror-break\n');
    expect(monthly.stdout).not.toContain('- us-west-2 lag-spike');
    expect(monthly.stdout).toContain('- Waivers in force: 1; expiring within 30 days: 1.');
    expect(row(monthly.stdout, 'freeze')).toEqual(['freeze', 'peak-season-2026', '2026-11-26T00:00:00.000Z', '2026-12-02T00:00:00.000Z', 'Black Friday to Cyber Monday peak; CAB emergency approval only.']);
    expect(monthly.stdout).toContain('- Open drill follow-ups: 1, overdue: 1.');
    expect(row(monthly.stdout, 'us-east-1')[2]).toMatch(/^_to fill: .*Prometheus/);
    expect(monthly.stdout).toMatch(/\| us-west-2 \| _to fill: AWS Cost Explorer, tag project=orders, region us-west-2_ \|/);
    // The example's first commit is in this window and has no base to be judged against.
    expect(monthly.stdout).toContain('not classified: the first commit: there is no base to compare it with');
  });
});

describe('npm run report -- postmortem', () => {
  it('puts what the repository recorded in the incident window on the timeline, in time order, and leaves the rest to fill', () => {
    const postmortem = report('postmortem', '--since', '2026-11-22T00:00:00Z', '--until', '2026-11-25T00:00:00Z');
    expect(postmortem.code).toBe(0);
    const timeline = postmortem.stdout.slice(postmortem.stdout.indexOf('## Timeline (UTC)'), postmortem.stdout.indexOf('## Detection'));
    const times = [...timeline.matchAll(/^\| (\d{4}-\d{2}-\d{2}T[^ ]+) \|/gm)].map((match) => match[1]);
    expect(times).toEqual(['2026-11-22T10:00:00.000Z', '2026-11-23T10:00:00.000Z', '2026-11-24T03:00:00.000Z', '2026-11-24T04:00:00.000Z', '2026-11-24T06:00:00.000Z']);
    expect(timeline).toContain('| _to fill: time_ | _to fill: detection, escalation, mitigation, resolution_ |');
    for (const heading of ['Detection', 'Blast radius', 'Customer impact', 'Root cause', 'Corrective and preventive actions', 'Verification steps']) expect(postmortem.stdout).toContain(`## ${heading}\n`);
  });

  it('refuses to run without the incident start, with the usage', () => {
    const result = report('postmortem');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('report: a postmortem needs --since <when the incident started>');
    expect(result.stderr).toContain('usage: npm run report -- weekly|monthly|postmortem');
  });
});

describe('npm run report bounds its cost and fails closed', () => {
  it('classifies only the newest --max-changes changes, says how to classify the rest, and writes --out atomically', async () => {
    const out = path.join(root, 'weekly.md');
    const result = report('weekly', ...WEEK, '--max-changes', '1', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`report: weekly report written to ${out}\n`);
    const written = await readFile(out, 'utf8');
    expect(written).toContain('5 merged on `main`: standard 0, normal 1, cab-required 0, emergency 0, not classified 4.');
    expect(row(written, '2026-11-20T10:00:00.000Z')[4]).toBe('not classified: older than the newest 1 changes \\(raise --max-changes to classify it\\)');
    expect((await readdir(root)).filter((name) => name.startsWith('weekly.md'))).toEqual(['weekly.md']);
  });

  it('refuses an unknown report, a bad date and a branch that does not exist', () => {
    expect(report('quarterly')).toMatchObject({ code: 2, stderr: expect.stringContaining('report: expected one of weekly, monthly, postmortem, got "quarterly"') });
    expect(report('weekly', '--since', 'last tuesday')).toMatchObject({ code: 2, stderr: expect.stringContaining('--since must be an ISO-8601 date') });
    expect(report('weekly', ...WEEK, '--ref', 'origin/nowhere')).toMatchObject({ code: 1, stderr: expect.stringContaining('report: --ref origin/nowhere is not a commit or branch here') });
  });

  it('refuses drill evidence that does not validate, naming the file', async () => {
    const scratch = await exampleRepo();
    commitAll(scratch);
    await mkdir(path.join(scratch, 'operations/drills'), { recursive: true });
    await writeFile(path.join(scratch, 'operations/drills/20261124-030000-outage-us-east-1.json'), '{"schemaVersion": 1}');
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'report', 'weekly', '--root', scratch], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('operations/drills/20261124-030000-outage-us-east-1.json');
  });
});
