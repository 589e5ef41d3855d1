import { z } from 'zod';
import { intRange, residencyZone, slug } from './common';

/** CRDT types the services implement; each fits a particular shape of data. */
export const CRDT_TYPES = ['g-counter', 'pn-counter', 'lww-register', 'mv-register', 'or-set', 'lww-map'] as const;

export const conflictResolution = z.discriminatedUnion(
  'strategy',
  [
    z.strictObject({ strategy: z.literal('last-writer-wins') }),
    z.strictObject({ strategy: z.literal('crdt'), type: z.enum(CRDT_TYPES) }),
  ],
  { error: 'a conflict resolution: { strategy: last-writer-wins } or { strategy: crdt, type: <crdt type> }' },
);

export const dataSetSchema = z
  .strictObject({
    name: slug,
    store: z.enum(['aurora', 'kafka', 'redis', 's3']),
    mode: z.enum(['active-active', 'active-passive']),
    /** How concurrent writes in two regions are reconciled; the data policies require it for active-active. */
    conflictResolution: conflictResolution.optional(),
    rpoSeconds: intRange(0, 86400),
    lagAlertSeconds: intRange(1, 86400),
    /** Topics mirrored between the regions' MSK clusters; only for `store: kafka`. */
    topics: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, { error: 'a Kafka topic name' })).optional(),
    /**
     * Messages the mirror may fall behind its source before the Kafka mirror lag alert fires; only for
     * `store: kafka`. A backlog in messages shows a stalled replicator before the lag in seconds does.
     * @default 5000 (DEFAULT_LAG_ALERT_MESSAGES)
     */
    lagAlertMessages: intRange(1, 100_000_000).optional(),
    /** Residency zone the data must stay in; replication to regions outside it is rejected. */
    residency: residencyZone,
  })
  .superRefine((dataSet, ctx) => {
    if (dataSet.store === 'kafka' && !dataSet.topics?.length) {
      ctx.addIssue({ code: 'custom', path: ['topics'], message: 'at least one mirrored topic for a kafka data set', input: dataSet.topics });
    }
    if (dataSet.store !== 'kafka' && dataSet.topics !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['topics'], message: `no topics on a ${dataSet.store} data set (topics are for kafka)`, input: dataSet.topics });
    }
    if (dataSet.store !== 'kafka' && dataSet.lagAlertMessages !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['lagAlertMessages'], message: `no lagAlertMessages on a ${dataSet.store} data set (it is for kafka)`, input: dataSet.lagAlertMessages });
    }
  });

export const replicationRulesSchema = z.strictObject({
  dataSets: z.array(dataSetSchema).min(1, { error: 'at least one data set' }),
});

export type DataSet = z.output<typeof dataSetSchema>;

/** The Kafka mirror lag alert's threshold when a kafka data set names none. */
export const DEFAULT_LAG_ALERT_MESSAGES = 5000;

/** Messages a kafka data set's mirror may fall behind before the Kafka mirror lag alert fires. */
export function lagAlertMessages(dataSet: DataSet): number {
  return dataSet.lagAlertMessages ?? DEFAULT_LAG_ALERT_MESSAGES;
}
export type ReplicationRules = z.output<typeof replicationRulesSchema>;
export type ReplicationRulesInput = z.input<typeof replicationRulesSchema>;
