import { z } from 'zod';
import { awsRegion, dnsLabel, dnsName, intRange, isoDateTime, numberRange, owner, slug } from './common';

export const sloSchema = z.strictObject({
  availabilityPercent: numberRange(90, 100).default(99.95),
  crossRegionP95LatencyMs: intRange(1, 60000).default(400),
  replicationLagSeconds: intRange(1, 3600).default(30),
  errorRatePercent: numberRange(0, 100).default(1),
  rtoMinutes: intRange(1, 1440).default(15),
  rpoMinutes: intRange(0, 1440).default(5),
});

export const changeFreezeSchema = z
  .strictObject({
    name: slug,
    start: isoDateTime,
    end: isoDateTime,
    reason: z.string().min(1, { error: 'a reason' }),
  })
  .refine((freeze) => Date.parse(freeze.start) < Date.parse(freeze.end), {
    error: 'an end after the start',
    path: ['end'],
  });

export const globalSchema = z.strictObject({
  /** Prefix for every named resource; keeps two deployments of this repo apart in one account. */
  name: slug,
  slo: sloSchema.default(sloSchema.parse({})),
  /** The name users resolve: one record set in this zone with an entry per region. */
  dns: z.strictObject({ zone: dnsName, record: dnsLabel }),
  changeFreezes: z.array(changeFreezeSchema).default([]),
  /** Path patterns (CODEOWNERS syntax) and the teams that must review them. */
  owners: z
    .array(z.strictObject({ path: z.string().min(1, { error: 'a path pattern' }), owners: z.array(owner).min(1, { error: 'at least one owner' }) }))
    .min(1, { error: 'at least one owner rule' }),
  /** Where every stack keeps its state; one key per stack under `keyPrefix`. */
  terraformState: z.strictObject({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'an S3 bucket name' }),
    region: awsRegion,
    keyPrefix: z.string().regex(/^[a-z0-9][a-z0-9\/-]*[a-z0-9]$/, { error: 'a key prefix like multi-region/prod' }),
  }),
});

export type Global = z.output<typeof globalSchema>;
export type GlobalInput = z.input<typeof globalSchema>;
