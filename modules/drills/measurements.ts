import { z } from 'zod';
import { expectation, issueToLocated, located, singleLineText, type Located } from '../../schemas';
import { movesTraffic, type Deviation, type DrillRecord, type Measurement } from '../../schemas/drill-record';

/**
 * What AWS reports about a drill, as `aws arc-region-switch get-plan-execution` or `aws fis get-experiment`
 * prints it (or an SDK's JSON of the same response), turned into the record's measured part. Only the fields
 * the record uses are required; AWS adds fields over time, so others are ignored. Timestamps arrive as ISO-8601
 * strings (CLI, SDK JSON) or epoch seconds (the raw API).
 */

/** Every string AWS returns is held to one line here, so a forged file is refused with the field that carries it. */
const bounded = (max: number) => singleLineText(0, `one line of at most ${max} characters`).max(max, { error: `at most ${max} characters` });
const timestamp = z.union([z.iso.datetime({ offset: true, local: false }), z.number().positive()], { error: 'a timestamp (ISO-8601 date-time or epoch seconds)' }).transform((value) => new Date(typeof value === 'number' ? value * 1000 : value).toISOString());

/** ISO-8601 duration as ARC writes `actualRecoveryTime` (pattern `P(nY)(nM)(nD)(T(nH)(nM)(nS))`). */
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** GetPlanExecution's response: https://docs.aws.amazon.com/arc-region-switch/latest/api/API_GetPlanExecution.html */
export const arcPlanExecutionSchema = z.looseObject({
  planArn: bounded(300).regex(/^arn:aws[a-zA-Z-]*:arc-region-switch::\d{12}:plan\//, { error: 'a Region switch plan ARN' }),
  executionId: bounded(300),
  executionRegion: bounded(40),
  executionAction: z.enum(['activate', 'deactivate', 'postRecovery']),
  executionState: z.enum(['inProgress', 'pausedByFailedStep', 'pausedByOperator', 'completed', 'completedWithExceptions', 'canceled', 'planExecutionTimedOut', 'pendingManualApproval', 'failed', 'pending', 'completedMonitoringApplicationHealth']),
  mode: z.enum(['graceful', 'ungraceful']),
  startTime: timestamp,
  endTime: timestamp.optional(),
  actualRecoveryTime: bounded(60).regex(DURATION, { error: 'an ISO-8601 duration like PT4M30S' }).optional(),
  stepStates: z
    .array(z.looseObject({ name: bounded(300).optional(), status: z.enum(['notStarted', 'running', 'failed', 'completed', 'canceled', 'skipped', 'pendingApproval']).optional(), startTime: timestamp.optional(), endTime: timestamp.optional() }))
    .max(200)
    .default([]),
});

/** GetExperiment's response: https://docs.aws.amazon.com/fis/latest/APIReference/API_GetExperiment.html */
export const fisExperimentSchema = z.looseObject({
  experiment: z.looseObject({
    id: bounded(64),
    experimentTemplateId: bounded(64).optional(),
    state: z.looseObject({ status: z.enum(['pending', 'initiating', 'running', 'completed', 'stopping', 'stopped', 'failed', 'cancelled']), reason: bounded(512).optional() }),
    actions: z
      .record(
        bounded(64),
        z.looseObject({
          actionId: bounded(128),
          startAfter: z.array(bounded(64)).max(100).optional(),
          state: z.looseObject({ status: z.enum(['pending', 'initiating', 'running', 'completed', 'cancelled', 'stopping', 'stopped', 'failed', 'skipped']), reason: bounded(512).optional() }).optional(),
          startTime: timestamp.optional(),
          endTime: timestamp.optional(),
        }),
      )
      .refine((actions) => Object.keys(actions).length <= 100, { error: 'at most 100 actions' })
      .default({}),
    startTime: timestamp.optional(),
    endTime: timestamp.optional(),
    /** The tags the experiment was started with (`aws fis start-experiment --tags`): they tie it to a drill's template. */
    tags: z.record(bounded(128), bounded(256)).default({}),
  }),
});

export type MeasurementSource = { kind: 'arc'; execution: z.output<typeof arcPlanExecutionSchema> } | { kind: 'fis'; experiment: z.output<typeof fisExperimentSchema>['experiment'] };

/**
 * Tells an ARC plan execution from a FIS experiment by the fields only each has, then validates it as that.
 * Returns located errors for a file that is neither, or is one with the wrong shape.
 */
export function parseMeasurementSource(file: string, value: unknown): { source: MeasurementSource } | { errors: Located[] } {
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const options = { reportInput: true, error: expectation } as const;
  if (object && 'experiment' in object) {
    const result = fisExperimentSchema.safeParse(object, options);
    return result.success ? { source: { kind: 'fis', experiment: result.data.experiment } } : { errors: result.error.issues.map((issue) => issueToLocated(file, issue)) };
  }
  if (object && ('executionId' in object || 'planArn' in object)) {
    const result = arcPlanExecutionSchema.safeParse(object, options);
    if (!result.success) return { errors: result.error.issues.map((issue) => issueToLocated(file, issue)) };
    const years = /(\d+)Y/.exec(result.data.actualRecoveryTime?.split('T')[0] ?? '')?.[1];
    const months = /(\d+)M/.exec(result.data.actualRecoveryTime?.split('T')[0] ?? '')?.[1];
    if (Number(years ?? 0) || Number(months ?? 0)) return { errors: [located(file, 'actualRecoveryTime', 'a recovery time in days, hours, minutes and seconds', JSON.stringify(result.data.actualRecoveryTime))] };
    return { source: { kind: 'arc', execution: result.data } };
  }
  return { errors: [located(file, '', 'the JSON of `aws arc-region-switch get-plan-execution` (with executionId, planArn) or of `aws fis get-experiment` (with experiment)', object ? `an object with keys ${Object.keys(object).slice(0, 8).join(', ') || 'none'}` : JSON.stringify(value)?.slice(0, 40) ?? 'nothing')] };
}

/** Seconds of an ISO-8601 duration of days, hours, minutes and seconds. */
export function durationSeconds(duration: string): number {
  const [, date = '', time = ''] = /^P([^T]*)(?:T(.*))?$/.exec(duration) ?? [];
  const part = (text: string, unit: string) => Number(new RegExp(`(\\d+)${unit}`).exec(text)?.[1] ?? 0);
  return part(date, 'D') * 86_400 + part(time, 'H') * 3600 + part(time, 'M') * 60 + part(time, 'S');
}

/**
 * Why a measurement cannot belong to this drill, or undefined when it can. An ARC execution belongs only to a
 * drill that moves traffic, and must activate the region the drill moves traffic to (for a failback, the region
 * it returns to) or deactivate the one it leaves. A FIS experiment must have been started from the drill's own
 * template (its `Name` and `scenario` tags) and, when tagged with a drill, this one. Either
 * must have started within the drill's window.
 */
export function mismatch(record: DrillRecord, source: MeasurementSource): string | undefined {
  const started = source.kind === 'arc' ? source.execution.startTime : source.experiment.startTime;
  const label = source.kind === 'arc' ? `the execution ${source.execution.executionId}` : `the experiment ${source.experiment.id}`;
  if (!started) return `${label} has not started; record it once it has`;
  if (started < record.window.start || started > record.window.end) return `${label} started at ${started}, outside drill ${record.id}'s window (${record.window.start} to ${record.window.end})`;
  if (source.kind === 'fis') {
    const { tags } = source.experiment;
    const template = record.scenario.experimentTemplate;
    if (!template) return `no FIS experiment template of this repository injects the faults of drill ${record.id} (${record.scenario.id} from ${record.regions.from} to ${record.regions.to}), so ${label} is not its measurement`;
    if (tags.Name !== template || tags.scenario !== record.scenario.id) {
      const found = tags.Name === undefined && tags.scenario === undefined ? 'no template tags' : `Name=${tags.Name ?? '(none)'}, scenario=${tags.scenario ?? '(none)'}`;
      return `${label} carries ${found}, but drill ${record.id} injects its faults with the template ${template}; start that template with --tags Name=${template},scenario=${record.scenario.id},drill=${record.id}`;
    }
    if (tags.drill !== undefined && tags.drill !== record.id) return `${label} is tagged for drill ${tags.drill}, not ${record.id}`;
    return undefined;
  }
  if (!movesTraffic(record.scenario.id)) return `drill ${record.id} (${record.scenario.id}) moves no traffic, so no Region switch execution belongs to it; record its FIS experiment`;
  const { executionAction, executionRegion } = source.execution;
  // A failback activates the region that failed and leaves the one that took over.
  const [leaves, receives] = record.kind === 'failback' ? [record.regions.to, record.regions.from] : [record.regions.from, record.regions.to];
  const expected = executionAction === 'deactivate' ? leaves : executionAction === 'activate' ? receives : undefined;
  if (expected && executionRegion !== expected) return `${label} ${executionAction}s ${executionRegion}, but drill ${record.id} moves traffic from ${leaves} to ${receives}`;
  return undefined;
}

export function measurementOf(source: MeasurementSource, recordedAt: Date): Measurement {
  const at = recordedAt.toISOString();
  if (source.kind === 'arc') {
    const { execution } = source;
    return {
      source: 'arc-region-switch',
      id: execution.executionId,
      state: execution.executionState,
      start: execution.startTime,
      ...(execution.endTime ? { end: execution.endTime } : {}),
      ...(execution.actualRecoveryTime ? { recoveryTimeSeconds: durationSeconds(execution.actualRecoveryTime) } : {}),
      timeline: execution.stepStates.map((step) => ({ name: step.name ?? '(unnamed step)', status: step.status ?? 'unknown', ...(step.startTime ? { start: step.startTime } : {}), ...(step.endTime ? { end: step.endTime } : {}) })),
      recordedAt: at,
    };
  }
  const { experiment } = source;
  const actions = Object.entries(experiment.actions).sort(([a, first], [b, second]) => (first.startTime ?? '~').localeCompare(second.startTime ?? '~') || a.localeCompare(b));
  return {
    source: 'fis',
    id: experiment.id,
    state: experiment.state.status,
    ...(experiment.state.reason ? { stateReason: experiment.state.reason } : {}),
    ...(experiment.startTime ? { start: experiment.startTime } : {}),
    ...(experiment.endTime ? { end: experiment.endTime } : {}),
    timeline: actions.map(([name, action]) => ({ name: `${name} (${action.actionId})`, status: action.state?.status ?? 'unknown', ...(action.startTime ? { start: action.startTime } : {}), ...(action.endTime ? { end: action.endTime } : {}) })),
    recordedAt: at,
  };
}

/** Step states that mean the step did what it was for. */
const STEP_DONE = new Set(['completed', 'skipped']);

/**
 * How a measurement departs from the plan. The state must be `completed` (a FIS experiment stopped by its
 * stop condition, an ARC execution completed with exceptions: the hypothesis did not hold as planned); every
 * step must complete; ARC's recovery time is held to the RTO SLO and compared with the prediction when the
 * drill moves traffic (only such a drill has an RTO prediction, and only it accepts an ARC execution).
 */
export function deviationsOf(record: DrillRecord, measurement: Measurement): Deviation[] {
  const label = measurement.source === 'fis' ? `FIS experiment ${measurement.id}` : `ARC execution ${measurement.id}`;
  const deviations: Deviation[] = [];
  if (measurement.state !== 'completed') {
    deviations.push({ term: 'state', expected: `${label} completed`, measured: `${measurement.state}${measurement.stateReason ? `: ${measurement.stateReason}` : ''}`, breach: true });
  }
  for (const step of measurement.timeline) {
    if (!STEP_DONE.has(step.status)) deviations.push({ term: 'step', expected: `${step.name} completed`, measured: step.status, breach: true });
  }
  if (measurement.recoveryTimeSeconds !== undefined && record.predictions.rto) {
    const { seconds: predicted } = record.predictions.rto;
    const target = record.targets.rtoSeconds;
    const measured = measurement.recoveryTimeSeconds;
    if (measured !== predicted || measured > target) {
      deviations.push({ term: 'rto', expected: `≤ ${target} s (SLO), predicted ${predicted} s`, measured: `${measured} s (${label} actualRecoveryTime)`, deltaSeconds: measured - predicted, breach: measured > target });
    }
  }
  return deviations;
}
