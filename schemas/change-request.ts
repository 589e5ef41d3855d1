import { z } from 'zod';
import { AWS_REGIONS, intRange, isoDateTime, owner, slug } from './common';
import { singleLineText } from './limits';
import { imageDigest } from './release';

/**
 * What an operator asks the console for. Each intent names values in the typed inputs; the console edits
 * exactly those and judges the result like any other pull request. Every field is bounded here, because
 * the request arrives from a browser.
 */

/** The switches of a region's `degradedMode`. */
export const DEGRADED_SWITCHES = ['pauseProducers', 'priorityWritesOnly', 'serveStaleReads'] as const;
export type DegradedSwitch = (typeof DEGRADED_SWITCHES)[number];

const endsAfterStart = (window: { start: string; end: string }) => window.start < window.end;

const weightsIntent = z.strictObject({
  kind: z.literal('weights'),
  /** Every region's new weight, all at once: a partial set would leave the sum to chance. */
  weights: z
    .record(slug, intRange(0, 100), { error: (issue) => (issue.code === 'invalid_key' ? 'region ids as keys, like "us-east-1"' : undefined) })
    .refine((weights) => Object.keys(weights).length >= 1, { error: 'at least one region weight' })
    .refine((weights) => Object.keys(weights).length <= AWS_REGIONS.length, { error: `at most ${AWS_REGIONS.length} region weights` }),
});

const readOnlyIntent = z.strictObject({ kind: z.literal('read-only'), region: slug, readOnly: z.boolean() });

const degradedIntent = z.strictObject({ kind: z.literal('degraded'), region: slug, switch: z.enum(DEGRADED_SWITCHES), on: z.boolean() });

/** A declaration's kind-specific fields; name, window, reason and declaredBy come from the request. */
const declarationKind = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('failover'), from: slug, to: slug }).refine((failover) => failover.from !== failover.to, { error: 'a failover to another region', path: ['to'] }),
    z.strictObject({ kind: z.literal('maintenance') }),
    /** The CAB member who approved the emergency; the requester cannot be their own approver (checked by the service). */
    z.strictObject({ kind: z.literal('emergency'), approvedBy: owner }),
  ],
  { error: 'a declaration with kind failover, maintenance or emergency' },
);

const declareIntent = z
  .strictObject({ kind: z.literal('declare'), declaration: declarationKind, name: slug, start: isoDateTime, end: isoDateTime })
  .refine(endsAfterStart, { error: 'an end after the start', path: ['end'] });

/** Traffic to `to`, `from` read-only and a failover declared from → to: one change a reviewer approves at once. */
const guidedFailoverIntent = z
  .strictObject({ kind: z.literal('guided-failover'), from: slug, to: slug, end: isoDateTime.optional() })
  .refine((failover) => failover.from !== failover.to, { error: 'a failover to another region', path: ['to'] });

const releaseIntent = z
  .strictObject({ kind: z.literal('release'), app: slug, action: z.enum(['advance', 'abandon']), digest: imageDigest.optional() })
  .refine((release) => release.action === 'abandon' || release.digest !== undefined, { error: 'the digest to advance', path: ['digest'] });

export const changeIntentSchema = z.discriminatedUnion(
  'kind',
  [weightsIntent, readOnlyIntent, degradedIntent, declareIntent, guidedFailoverIntent, releaseIntent],
  { error: 'a change with kind weights, read-only, degraded, declare, guided-failover or release' },
);

/** Why the change is made: it becomes the pull request's reason and, for declarations, the declaration's reason. */
export const changeReason = singleLineText(1, 'a reason');

/** A full 40-hex git commit id. */
export const commitSha = z.string().regex(/^[0-9a-f]{40}$/, { error: 'a full 40-hex-digit commit id' });

export const changeRequestSchema = z.strictObject({
  intent: changeIntentSchema,
  reason: changeReason,
  /** The default branch's commit the operator previewed against; absent for a first preview. */
  base: commitSha.optional(),
});

/** A client-chosen key that makes a retried submit (double click, timeout) return the first attempt's pull request. */
export const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { error: 'an idempotency key of 8..64 letters, digits, _ or -' });

/** A preview's id as the console returns it (sha-256, hex). */
export const previewId = z.string().regex(/^[0-9a-f]{64}$/, { error: 'a preview id (64 hex digits)' });

export const changeSubmitSchema = z.strictObject({
  request: changeRequestSchema,
  idempotencyKey,
  previewId,
  /** The operator saw the other changes to the same values and submits anyway. */
  acknowledgeConflicts: z.boolean().optional(),
});

export type ChangeIntent = z.output<typeof changeIntentSchema>;
export type ChangeRequest = z.output<typeof changeRequestSchema>;
export type ChangeRequestInput = z.input<typeof changeRequestSchema>;
export type ChangeSubmit = z.output<typeof changeSubmitSchema>;
