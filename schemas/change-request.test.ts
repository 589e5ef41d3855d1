import { describe, expect, it } from 'vitest';
import { changeRequestSchema, changeSubmitSchema } from './change-request';

const messages = (value: unknown) => {
  const result = changeRequestSchema.safeParse(value);
  if (result.success) throw new Error('expected the request to be refused, but it parsed');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('change requests from the console', () => {
  it('admits each kind of intent, normalising date-times to UTC', () => {
    const parsed = changeRequestSchema.parse({
      intent: { kind: 'declare', declaration: { kind: 'failover', from: 'us-east-1', to: 'us-west-2' }, name: 'use1-outage', start: '2026-03-01T04:00:00+01:00', end: '2026-03-01T07:00:00Z' },
      reason: 'us-east-1 Aurora writer unreachable',
      base: 'a'.repeat(40),
    });
    expect(parsed.intent).toMatchObject({ start: '2026-03-01T03:00:00.000Z', end: '2026-03-01T07:00:00.000Z' });
    for (const intent of [
      { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } },
      { kind: 'read-only', region: 'us-west-2', readOnly: true },
      { kind: 'degraded', region: 'us-west-2', switch: 'serveStaleReads', on: true },
      { kind: 'guided-failover', from: 'us-east-1', to: 'us-west-2' },
      { kind: 'release', app: 'orders-api', action: 'abandon' },
    ]) {
      expect(changeRequestSchema.safeParse({ intent, reason: 'why' }).success).toBe(true);
    }
  });

  it('refuses weights out of range, region keys that are not slugs and unknown fields', () => {
    expect(messages({ intent: { kind: 'weights', weights: { 'us-east-1': 140, __proto__x: 1 } }, reason: 'x' })).toEqual([
      'intent.weights.us-east-1: an integer in 0..100',
      'intent.weights.__proto__x: region ids as keys, like "us-east-1"',
    ]);
    expect(messages({ intent: { kind: 'read-only', region: 'us-west-2', readOnly: true, force: true }, reason: 'x' })).toEqual(['intent: Unrecognized key: "force"']);
  });

  it('refuses a reason that is empty, multi-line, invisible or longer than 500 characters', () => {
    const intent = { kind: 'read-only', region: 'us-west-2', readOnly: true };
    expect(messages({ intent, reason: '' })).toEqual(['reason: a reason']);
    expect(messages({ intent, reason: 'drain\nthen merge' })).toEqual(['reason: a reason, on one line without control or invisible characters']);
    expect(messages({ intent, reason: 'drain\u202Eesrever' })).toEqual(['reason: a reason, on one line without control or invisible characters']);
    expect(messages({ intent, reason: 'x'.repeat(501) })).toEqual(['reason: a reason, at most 500 characters']);
  });

  it('refuses a failover to the same region, a window that ends before it starts and an advance without a digest', () => {
    expect(messages({ intent: { kind: 'guided-failover', from: 'us-east-1', to: 'us-east-1' }, reason: 'x' })).toEqual(['intent.to: a failover to another region']);
    expect(messages({ intent: { kind: 'declare', declaration: { kind: 'maintenance' }, name: 'q1', start: '2026-03-02T00:00:00Z', end: '2026-03-01T00:00:00Z' }, reason: 'x' })).toEqual(['intent.end: an end after the start']);
    expect(messages({ intent: { kind: 'release', app: 'orders-api', action: 'advance' }, reason: 'x' })).toEqual(['intent.digest: the digest to advance']);
    expect(messages({ intent: { kind: 'declare', declaration: { kind: 'emergency', approvedBy: 'carol' }, name: 'fix', start: '2026-03-01T00:00:00Z', end: '2026-03-01T01:00:00Z' }, reason: 'x' })).toEqual([
      'intent.declaration.approvedBy: a GitHub handle like @org/platform-team or @user',
    ]);
  });

  it('takes idempotency keys and preview ids only in the alphabet that can name a file', () => {
    const submit = (idempotencyKey: string, previewId = 'a'.repeat(64)) => changeSubmitSchema.safeParse({ request: { intent: { kind: 'read-only', region: 'us-west-2', readOnly: true }, reason: 'x' }, idempotencyKey, previewId }).success;
    expect(submit('3f0c9a2e-double-click')).toBe(true);
    expect(submit('../../etc/passwd')).toBe(false);
    expect(submit('short')).toBe(false);
    expect(submit('3f0c9a2e-double-click', 'A'.repeat(64))).toBe(false);
  });
});
