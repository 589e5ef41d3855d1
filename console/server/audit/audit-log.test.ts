import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_FILE, openAuditLog, type AuditRecord } from './audit-log';

let stateDir: string;
beforeEach(async () => {
  stateDir = path.join(await mkdtemp(path.join(tmpdir(), 'console-audit-')), 'state');
});
afterEach(async () => {
  await rm(path.dirname(stateDir), { recursive: true, force: true });
});

function record(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: new Date(Date.UTC(2026, 11, 3, 8, 0, n)).toISOString(),
    who: 'alice',
    role: 'operator',
    action: 'preview',
    intent: { kind: 'read-only', region: 'us-west-2', readOnly: true },
    reason: `attempt ${n}`,
    baseSha: 'a'.repeat(40),
    previewId: 'b'.repeat(64),
    idempotencyKey: null,
    outcome: 'previewed',
    ...overrides,
  };
}

describe('the audit log', () => {
  it('appends one JSON line per record to <stateDir>/audit.jsonl, creating the directory', async () => {
    const audit = openAuditLog(stateDir);
    await audit.append(record(1));
    await audit.append(record(2, { action: 'submit', outcome: 'opened', idempotencyKey: 'key-0001', pullRequestUrl: 'http://gitea.test/org/repo/pulls/7' }));
    const lines = (await readFile(path.join(stateDir, AUDIT_FILE), 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual(record(1));
    expect(JSON.parse(lines[1]!)).toMatchObject({ outcome: 'opened', pullRequestUrl: 'http://gitea.test/org/repo/pulls/7' });
  });

  it('keeps records from concurrent appends whole and in call order', async () => {
    const audit = openAuditLog(stateDir);
    await Promise.all(Array.from({ length: 40 }, (_, n) => audit.append(record(n))));
    const page = await audit.list({ limit: 100 });
    expect(page.records.map((r) => r.reason)).toEqual(Array.from({ length: 40 }, (_, n) => `attempt ${39 - n}`));
    expect(page.unreadable).toBe(0);
  });

  it('lists newest first in pages that continue where the previous one stopped, even while records are appended', async () => {
    const audit = openAuditLog(stateDir);
    for (let n = 0; n < 7; n++) await audit.append(record(n));
    const first = await audit.list({ limit: 3 });
    expect(first.records.map((r) => r.reason)).toEqual(['attempt 6', 'attempt 5', 'attempt 4']);
    await audit.append(record(7));
    const second = await audit.list({ limit: 3, before: first.nextCursor });
    expect(second.records.map((r) => r.reason)).toEqual(['attempt 3', 'attempt 2', 'attempt 1']);
    const last = await audit.list({ limit: 3, before: second.nextCursor });
    expect(last.records.map((r) => r.reason)).toEqual(['attempt 0']);
    expect(last.nextCursor).toBeUndefined();
  });

  it('walks a log larger than its read chunk without splitting a record', async () => {
    const audit = openAuditLog(stateDir);
    const long = 'x'.repeat(480);
    for (let n = 0; n < 400; n++) await audit.append(record(n % 60, { reason: `${n} ${long}` }));
    const reasons: string[] = [];
    let before: number | undefined;
    do {
      const page = await audit.list({ limit: 50, ...(before === undefined ? {} : { before }) });
      expect(page.unreadable).toBe(0);
      reasons.push(...page.records.map((r) => r.reason!.split(' ')[0]!));
      before = page.nextCursor;
    } while (before !== undefined);
    expect(reasons).toEqual(Array.from({ length: 400 }, (_, n) => String(399 - n)));
  });

  it('is empty before the first record', async () => {
    expect(await openAuditLog(stateDir).list({ limit: 10 })).toEqual({ records: [], unreadable: 0 });
  });

  it('refuses to write a record whose free text the schema does not admit', async () => {
    const audit = openAuditLog(stateDir);
    await expect(audit.append(record(1, { reason: 'two\nlines' }))).rejects.toThrow(/one line/);
    await expect(audit.append(record(1, { who: 'alice\n{"forged":true}' }))).rejects.toThrow();
    expect(await readdir(path.dirname(stateDir))).toEqual([]);
  });

  it('counts a record torn by a crash as unreadable and starts the next record on its own line', async () => {
    const audit = openAuditLog(stateDir);
    await audit.append(record(1));
    await appendFile(path.join(stateDir, AUDIT_FILE), '{"at":"2026-12-03T08:00:02.000Z","who":"ali');
    const reopened = openAuditLog(stateDir);
    await reopened.append(record(3));
    const page = await reopened.list({ limit: 10 });
    expect(page.records.map((r) => r.reason)).toEqual(['attempt 3', 'attempt 1']);
    expect(page.unreadable).toBe(1);
  });
});
