import { z } from 'zod';
import { FAULTS, SCENARIO_IDS, SCENARIOS, type FaultId, type ScenarioId } from './scenarios';
import { isoDateTime, owner, slug } from './common';
import { printableToken, singleLineText } from './limits';

/**
 * The evidence a failover drill leaves under `operations/drills/<id>.json` (the markdown beside it is rendered
 * from it): what auditors look for (SOC 2 A1.3, ISO 22301 §8.5). Written by `npm run drill`, filled in by
 * `npm run drill -- record|follow-up|sign-off`, read by the weekly and monthly reports. Every field is held to
 * what the markdown and reports can show safely, because the records are committed and anyone can edit them.
 */

/** `20260301-030000-outage-us-east-1`: UTC start, then what and where; sorts by time, and is a valid branch and file name. */
export const DRILL_ID = /^\d{8}-\d{6}(-[a-z0-9]+)+$/;
export const drillId = z
  .string({ error: 'a drill id like 20260301-030000-outage-us-east-1' })
  .regex(DRILL_ID, { error: 'a drill id like 20260301-030000-outage-us-east-1' })
  .max(100, { error: 'a drill id of at most 100 characters' });

const text = (what: string) => singleLineText(1, what);
/** Text the policy engine produced (messages, arithmetic): one line, bounded, but longer than a person's reason. */
const engineText = z
  .string()
  .max(4000, { error: 'at most 4000 characters' })
  .refine((value) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value), { error: 'one line without control or invisible characters' });
const seconds = z.number().int().min(0).max(31_536_000);
const commit = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, { error: 'a full git commit id' });
const calendarDate = z.iso.date({ error: 'a date like 2026-04-01' });
const faultId = z.enum(Object.keys(FAULTS) as [FaultId, ...FaultId[]]);

export const DRILL_KINDS = ['failover', 'failback'] as const;
export const RISK_CLASSES = ['standard', 'normal', 'cab-required', 'emergency'] as const;
export const SLO_TERMS = ['rto', 'rpo'] as const;

const finding = z.strictObject({ policy: z.string().max(200), message: engineText, file: z.string().max(1000), path: z.string().max(1000) });

/** One step of the response, in order (modules/failover.ts): what is done, who acts, and the command, plan or screen it happens in. */
const step = z.strictObject({ order: z.number().int().min(1).max(100), what: engineText, who: engineText, where: engineText, channel: z.string().regex(/^[a-z][a-z-]{0,39}$/) });

/**
 * An AWS state or status (`completed`, `pendingApproval`): a token, so a JSON file cannot put a line break, a
 * space or a table cell into the evidence through it.
 */
const awsState = printableToken('an AWS state like completed', 60).min(1, { error: 'an AWS state like completed' });

/** A measured step: from an ARC plan execution's step states or a FIS experiment's actions. */
const measuredStep = z.strictObject({
  /** Named by whoever wrote the plan or template: prose, but one line. */
  name: singleLineText(1, 'a step name'),
  status: awsState,
  start: isoDateTime.optional(),
  end: isoDateTime.optional(),
});

export const MEASUREMENT_SOURCES = ['arc-region-switch', 'fis'] as const;

export const measurementSchema = z.strictObject({
  source: z.enum(MEASUREMENT_SOURCES),
  /** The ARC plan execution id or the FIS experiment id. */
  id: printableToken('an execution or experiment id', 300).min(1, { error: 'an execution or experiment id' }),
  /** `executionState` of the ARC execution, `state.status` of the FIS experiment. */
  state: awsState,
  stateReason: engineText.optional(),
  start: isoDateTime.optional(),
  end: isoDateTime.optional(),
  /** ARC's `actualRecoveryTime` (plan run plus the time until the health alarms are healthy again); FIS measures no recovery. */
  recoveryTimeSeconds: seconds.optional(),
  timeline: z.array(measuredStep).max(200),
  recordedAt: isoDateTime,
});

/** How a measurement departs from what the drill planned; `breach` when an SLO or the hypothesis is not met. */
export const deviationSchema = z.strictObject({
  term: z.enum(['rto', 'state', 'step']),
  expected: engineText,
  measured: engineText,
  deltaSeconds: z.number().int().optional(),
  breach: z.boolean(),
});

export const followUpSchema = z.strictObject({ action: text('a follow-up action'), owner, due: calendarDate, done: z.boolean().default(false) });

export const signOffSchema = z.strictObject({ by: owner, at: isoDateTime, statement: text('a sign-off statement') });

export const drillRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  id: drillId,
  kind: z.enum(DRILL_KINDS),
  /** The commit of the repository the drill was planned from. */
  commit,
  /** Who proposed the drill (`--by`, by default the first owner of regions/): it declares the failover. */
  proposer: owner,
  /**
   * Who approved running the drill, never the proposer; unset until someone does (`npm run drill -- approve`).
   * A scheduled plan has none: nobody approved it, and it cannot be signed off until someone does.
   */
  approver: owner.nullable(),
  /** The planned window, UTC: the failover declaration's window when the response moves traffic. */
  window: z.strictObject({ start: isoDateTime, end: isoDateTime }).refine((w) => w.start < w.end, { error: 'an end after the start', path: ['end'] }),
  scenario: z.strictObject({
    id: z.enum(SCENARIO_IDS),
    title: text('a scenario title'),
    hypothesis: text('a hypothesis'),
    faults: z.array(z.strictObject({ id: faultId, fisAction: z.string().max(200) })).max(20),
    runbook: text('a runbook heading'),
    /**
     * The `Name` tag of the FIS experiment template that injects the scenario's faults for this drill: only an
     * experiment started from it is this drill's. Null when the stacks have none (a mirror into a region that has no replicator).
     */
    experimentTemplate: printableToken('a FIS experiment template name', 256).min(1, { error: 'a FIS experiment template name' }).nullable(),
  }),
  regions: z.strictObject({ from: slug, to: slug }),
  /** Resilience assumptions the operator overrode for this plan (`--assume`), so a what-if is never read as the real configuration. */
  assumptions: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/), seconds),
  targets: z.strictObject({
    rtoSeconds: seconds,
    rpoSeconds: seconds,
    dataSets: z.array(z.strictObject({ name: slug, rpoSeconds: seconds })).max(200),
  }),
  /** Figures from the policy engine's resilience model, with its arithmetic. */
  predictions: z.strictObject({
    /** Losing `from`'s recovery; null when the scenario moves no traffic (it is held to the RPO and its hypothesis). */
    rto: z.strictObject({ seconds, arithmetic: engineText }).nullable(),
    rpo: z.array(z.strictObject({ dataSet: slug, boundSeconds: seconds, targetSeconds: seconds, arithmetic: engineText })).max(200),
  }),
  /** The change the response makes, judged by the same pipeline as a pull request. */
  change: z.strictObject({
    summary: engineText,
    files: z.array(z.string().max(1000)).max(10_000),
    class: z.enum(RISK_CLASSES),
    passed: z.boolean(),
    /** SLO terms the plan's figures breach; a drill that breaches one exits non-zero. */
    breaches: z.array(z.enum(SLO_TERMS)),
    blocking: z.array(finding).max(500),
    /** `drill/<id>` when the change was written as a branch. */
    branch: z.string().max(200).nullable(),
  }),
  steps: z.array(step).max(100),
  /** Empty until `npm run drill -- record` fills them. */
  measurements: z.array(measurementSchema).max(20),
  deviations: z.array(deviationSchema).max(500),
  followUps: z.array(followUpSchema).max(100),
  signOff: signOffSchema.nullable(),
})
  .refine((record) => !record.approver || record.approver.toLowerCase() !== record.proposer.toLowerCase(), { error: 'an approver other than the proposer', path: ['approver'] })
  .refine((record) => (record.predictions.rto === null) === !movesTraffic(record.scenario.id), { error: 'an RTO prediction exactly when the scenario moves traffic', path: ['predictions', 'rto'] });

export type DrillRecord = z.output<typeof drillRecordSchema>;
export type DrillKind = (typeof DRILL_KINDS)[number];
export type Measurement = z.output<typeof measurementSchema>;
export type Deviation = z.output<typeof deviationSchema>;
export type FollowUp = z.output<typeof followUpSchema>;
export type SignOff = z.output<typeof signOffSchema>;
export type DrillStep = DrillRecord['steps'][number];

export type DrillOutcome = 'planned' | 'blocked' | 'incomplete' | 'passed' | 'failed';

/**
 * Whether the scenario's response moves traffic (and the database writer) to another region: only then is the
 * drill held to the RTO, and only then does an ARC Region switch execution belong to it.
 */
export function movesTraffic(scenario: ScenarioId): boolean {
  return SCENARIOS[scenario].response.failover;
}

/**
 * What the drill log and reports call the drill: `blocked` when its plan could not pass the policies or breaches
 * an SLO, `planned` until measured, `failed` when any deviation breaches, `incomplete` while a drill that moves
 * traffic has no measured recovery time (an experiment alone shows faults were injected, not that traffic
 * recovered within the RTO), else `passed`.
 */
export function drillOutcome(record: DrillRecord): DrillOutcome {
  if (!record.change.passed || record.change.breaches.length) return 'blocked';
  if (!record.measurements.length) return 'planned';
  if (record.deviations.some((deviation) => deviation.breach)) return 'failed';
  if (movesTraffic(record.scenario.id) && !record.measurements.some((m) => m.recoveryTimeSeconds !== undefined)) return 'incomplete';
  return 'passed';
}
