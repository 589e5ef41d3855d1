import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviationsOf, durationSeconds, measurementOf, mismatch, parseMeasurementSource, type MeasurementSource } from '../modules/drills/measurements';
import { formatLocated } from '../schemas';
import { plannedRecord } from './drill-fixtures/record';

const fixture = async (name: string): Promise<unknown> => JSON.parse(await readFile(path.join(import.meta.dirname, 'drill-fixtures', name), 'utf8'));

function parsed(file: string, value: unknown): MeasurementSource {
  const result = parseMeasurementSource(file, value);
  if ('errors' in result) throw new Error(result.errors.map(formatLocated).join('\n'));
  return result.source;
}

const recordedAt = new Date('2026-03-01T04:00:00Z');

describe('measurements from AWS', () => {
  it('reads an ARC GetPlanExecution: state, each step with its times, and actualRecoveryTime as the measured recovery', async () => {
    const source = parsed('arc.json', await fixture('arc-get-plan-execution.json'));
    expect(source.kind).toBe('arc');
    const measurement = measurementOf(source, recordedAt);
    expect(measurement).toEqual({
      source: 'arc-region-switch',
      id: 'e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10',
      state: 'completed',
      start: '2026-03-01T03:02:05.104Z',
      end: '2026-03-01T03:06:18.873Z',
      recoveryTimeSeconds: 312,
      timeline: [
        { name: 'approve', status: 'completed', start: '2026-03-01T03:02:05.233Z', end: '2026-03-01T03:03:12.041Z' },
        { name: 'scale-eks', status: 'completed', start: '2026-03-01T03:03:12.102Z', end: '2026-03-01T03:04:20.577Z' },
        { name: 'move-aurora-writers', status: 'completed', start: '2026-03-01T03:04:20.611Z', end: '2026-03-01T03:05:49.390Z' },
        { name: 'shift-traffic', status: 'completed', start: '2026-03-01T03:05:49.420Z', end: '2026-03-01T03:06:18.801Z' },
      ],
      recordedAt: '2026-03-01T04:00:00.000Z',
    });
    // Within the SLO but slower than predicted: a deviation to explain, not a breach.
    expect(deviationsOf(plannedRecord(), measurement)).toEqual([{ term: 'rto', expected: '≤ 900 s (SLO), predicted 270 s', measured: '312 s (ARC execution e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10 actualRecoveryTime)', deltaSeconds: 42, breach: false }]);
  });

  it('reads a FIS GetExperiment: the actions in the order they ran, and no recovery time, which FIS does not measure', async () => {
    const measurement = measurementOf(parsed('fis.json', await fixture('fis-get-experiment.json')), recordedAt);
    expect(measurement.source).toBe('fis');
    expect(measurement.state).toBe('completed');
    expect(measurement.recoveryTimeSeconds).toBeUndefined();
    expect(measurement.timeline.map((step) => step.name)).toEqual([
      'eks-node-group-loss (aws:eks:terminate-nodegroup-instances)',
      'cross-region-connectivity (aws:network:route-table-disrupt-cross-region-connectivity)',
      'aurora-global-failover (aws:ssm:start-automation-execution)',
    ]);
    expect(deviationsOf(plannedRecord(), measurement)).toEqual([]);
  });

  it('counts a FIS experiment its stop condition ended, and each action it cut short, as breaching deviations', async () => {
    const value = (await fixture('fis-get-experiment.json')) as { experiment: { state: object; actions: Record<string, { state: object }> } };
    value.experiment.state = { status: 'stopped', reason: 'Experiment stopped by stop condition arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-us-east-1-error-rate.' };
    value.experiment.actions['cross-region-connectivity']!.state = { status: 'stopped', reason: 'Experiment stopped.' };
    const deviations = deviationsOf(plannedRecord(), measurementOf(parsed('fis.json', value), recordedAt));
    expect(deviations.map((d) => [d.term, d.measured, d.breach])).toEqual([
      ['state', 'stopped: Experiment stopped by stop condition arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-us-east-1-error-rate.', true],
      ['step', 'stopped', true],
    ]);
  });

  it('breaches the RTO when ARC measured a recovery longer than the SLO', async () => {
    const value = { ...((await fixture('arc-get-plan-execution.json')) as object), actualRecoveryTime: 'PT16M40S' };
    const [deviation] = deviationsOf(plannedRecord(), measurementOf(parsed('arc.json', value), recordedAt));
    expect(deviation).toMatchObject({ term: 'rto', measured: expect.stringMatching(/^1000 s/), deltaSeconds: 730, breach: true });
  });

  it('accepts epoch-second timestamps, as the raw API returns them', async () => {
    const value = { ...((await fixture('arc-get-plan-execution.json')) as object), startTime: 1772334125.104, endTime: undefined };
    expect(measurementOf(parsed('arc.json', value), recordedAt)).toMatchObject({ start: '2026-03-01T03:02:05.104Z' });
  });

  it('refuses an execution that activated another region than the one the drill moves traffic to', async () => {
    const value = { ...((await fixture('arc-get-plan-execution.json')) as object), executionRegion: 'us-east-1' };
    expect(mismatch(plannedRecord(), parsed('arc.json', value))).toBe('the execution e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10 activates us-east-1, but drill 20260301-030000-outage-us-east-1 moves traffic from us-east-1 to us-west-2');
    expect(mismatch(plannedRecord(), parsed('arc.json', await fixture('arc-get-plan-execution.json')))).toBeUndefined();
  });

  it('expects a failback’s own execution to activate the region it returns to and deactivate the one that took over', async () => {
    const failback = plannedRecord({ id: '20260301-030000-failback-us-east-1', kind: 'failback' });
    const arc = (await fixture('arc-get-plan-execution.json')) as object;
    expect(mismatch(failback, parsed('arc.json', { ...arc, executionAction: 'activate', executionRegion: 'us-east-1' }))).toBeUndefined();
    expect(mismatch(failback, parsed('arc.json', { ...arc, executionAction: 'deactivate', executionRegion: 'us-west-2' }))).toBeUndefined();
    expect(mismatch(failback, parsed('arc.json', { ...arc, executionAction: 'activate', executionRegion: 'us-west-2' }))).toBe(
      'the execution e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10 activates us-west-2, but drill 20260301-030000-failback-us-east-1 moves traffic from us-west-2 to us-east-1',
    );
  });

  it('refuses a Region switch execution for a drill that moves no traffic, and one started outside the drill window', async () => {
    const arc = (await fixture('arc-get-plan-execution.json')) as object;
    const mirrorBreak = plannedRecord({ id: '20260301-030000-mirror-break-us-east-1', scenario: { ...plannedRecord().scenario, id: 'mirror-break' }, predictions: { ...plannedRecord().predictions, rto: null } });
    expect(mismatch(mirrorBreak, parsed('arc.json', arc))).toBe('drill 20260301-030000-mirror-break-us-east-1 (mirror-break) moves no traffic, so no Region switch execution belongs to it; record its FIS experiment');
    expect(mismatch(plannedRecord(), parsed('arc.json', { ...arc, startTime: '2026-03-01T08:00:00Z' }))).toBe(
      "the execution e7f1c2a4-55b0-4d7e-9a43-0c6f2b1d9e10 started at 2026-03-01T08:00:00.000Z, outside drill 20260301-030000-outage-us-east-1's window (2026-03-01T03:00:00.000Z to 2026-03-01T07:00:00.000Z)",
    );
  });

  it('ties a FIS experiment to the drill by its template’s Name and scenario tags', async () => {
    const fis = (await fixture('fis-get-experiment.json')) as { experiment: object };
    expect(mismatch(plannedRecord(), parsed('fis.json', fis))).toBeUndefined();
    const other = { experiment: { ...fis.experiment, tags: { Name: 'orders-us-west-2-outage', scenario: 'outage' } } };
    expect(mismatch(plannedRecord(), parsed('fis.json', other))).toMatch(/^the experiment EXPk7Tq2LmZ9xW4aB carries Name=orders-us-west-2-outage, scenario=outage, but drill 20260301-030000-outage-us-east-1 injects its faults with the template orders-us-east-1-outage/);
    const untemplated = plannedRecord({ scenario: { ...plannedRecord().scenario, experimentTemplate: null } });
    expect(mismatch(untemplated, parsed('fis.json', fis))).toBe('no FIS experiment template of this repository injects the faults of drill 20260301-030000-outage-us-east-1 (outage from us-east-1 to us-west-2), so the experiment EXPk7Tq2LmZ9xW4aB is not its measurement');
  });

  it('refuses AWS output whose names, ids or tags would break a line of the evidence, saying where', async () => {
    const fis = (await fixture('fis-get-experiment.json')) as { experiment: { actions: object } };
    const forged = 'a|b\n\nSigned off: all good\n\n| x | y |';
    const result = parseMeasurementSource('m.json', { experiment: { ...fis.experiment, actions: { [forged]: { actionId: 'aws:fis:wait' } } } });
    expect('errors' in result && result.errors.map(formatLocated)).toEqual([expect.stringMatching(/^m\.json: experiment\.actions.*one line of at most 64 characters, on one line without control or invisible characters/)]);
    const arc = (await fixture('arc-get-plan-execution.json')) as object;
    const step = parseMeasurementSource('m.json', { ...arc, stepStates: [{ name: forged, status: 'completed' }] });
    expect('errors' in step && step.errors.map(formatLocated)).toEqual([expect.stringMatching(/^m\.json: stepStates\[0\]\.name: expected one line of at most 300 characters, on one line/)]);
  });

  it('says which shape it expected of JSON that is neither, and where a known shape is wrong', async () => {
    const errors = (value: unknown) => {
      const result = parseMeasurementSource('m.json', value);
      return 'errors' in result ? result.errors.map(formatLocated) : [];
    };
    expect(errors({ Reservations: [] })).toEqual(['m.json: expected the JSON of `aws arc-region-switch get-plan-execution` (with executionId, planArn) or of `aws fis get-experiment` (with experiment), got an object with keys Reservations']);
    expect(errors({ ...((await fixture('arc-get-plan-execution.json')) as object), actualRecoveryTime: '5 minutes' })).toEqual(['m.json: actualRecoveryTime: expected an ISO-8601 duration like PT4M30S, got "5 minutes"']);
    expect(errors({ ...((await fixture('arc-get-plan-execution.json')) as object), actualRecoveryTime: 'P1M' })).toEqual(['m.json: actualRecoveryTime: expected a recovery time in days, hours, minutes and seconds, got "P1M"']);
    expect(errors({ experiment: { id: 'x'.repeat(65), state: { status: 'completed' } } })).toEqual(['m.json: experiment.id: expected at most 64 characters, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"']);
  });

  it('reads ISO-8601 durations of days, hours, minutes and seconds', () => {
    expect([durationSeconds('PT5M12S'), durationSeconds('PT1H'), durationSeconds('P1DT2S'), durationSeconds('PT0S')]).toEqual([312, 3600, 86_402, 0]);
  });
});
