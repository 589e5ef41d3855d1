import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { changeIntentSchema, changeReason, commitSha, idempotencyKey, previewId, singleLineText } from '../../../schemas';
import { roleSchema } from '../auth/roles';
import { loginSchema } from '../auth/session';

export const AUDIT_ACTIONS = ['preview', 'submit'] as const;
export const AUDIT_OUTCOMES = ['previewed', 'opened', 'replayed', 'rebased', 'conflict', 'blocked', 'forbidden', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One change attempt. Free text is only what the change-request schema admitted (the reason) or what the
 * console wrote itself (detail); an attempt whose input the schema refused records no intent and no reason.
 */
export const auditRecordSchema = z.strictObject({
  at: z.iso.datetime(),
  /** The requester's login. */
  who: loginSchema,
  role: roleSchema,
  action: z.enum(AUDIT_ACTIONS),
  intent: changeIntentSchema.nullable(),
  reason: changeReason.nullable(),
  /** The default branch commit the change was built on, once known. */
  baseSha: commitSha.nullable(),
  previewId: previewId.nullable(),
  idempotencyKey: idempotencyKey.nullable(),
  pullRequestUrl: z.url({ protocol: /^https?$/ }).optional(),
  outcome: z.enum(AUDIT_OUTCOMES),
  detail: singleLineText(1, 'a detail').optional(),
});
export type AuditRecord = z.output<typeof auditRecordSchema>;

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor?: number;
  /** Lines in this page's range that are not records (a write torn by a crash); counted, never hidden. */
  unreadable: number;
}

export interface AuditLog {
  readonly file: string;
  append(record: AuditRecord): Promise<void>;
  /** `before` is a cursor from a previous page: the byte offset of the oldest record that page returned. */
  list(page: { limit: number; before?: number }): Promise<AuditPage>;
}

export const AUDIT_FILE = 'audit.jsonl';
/** Bytes read per step when walking the log backwards; several records fit in one. */
const CHUNK = 64 * 1024;

/** Append-only JSON Lines at `<stateDir>/audit.jsonl`: one write per record, synced before the call returns. */
export function openAuditLog(stateDir: string): AuditLog {
  const file = path.join(stateDir, AUDIT_FILE);
  let tail: Promise<void> = Promise.resolve();
  let tailChecked = false;

  async function write(line: string): Promise<void> {
    await mkdir(stateDir, { recursive: true });
    const existed = await stat(file).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)));
    // A record torn by a crash would swallow the next one into an unreadable line: start that one on a line of its own.
    const prefix = existed && !tailChecked && !(await endsWithNewline(file)) ? '\n' : '';
    tailChecked = true;
    const handle = await open(file, 'a', 0o600);
    try {
      await handle.write(`${prefix}${line}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!existed) await syncDirectory(stateDir);
  }

  return {
    file,
    async append(record) {
      const line = JSON.stringify(auditRecordSchema.parse(record));
      // One append at a time, in call order, so records never interleave.
      const written = tail.then(() => write(line));
      tail = written.catch(() => undefined);
      return written;
    },
    async list({ limit, before }) {
      let handle: FileHandle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], unreadable: 0 };
        throw error;
      }
      try {
        const { size } = await handle.stat();
        const records: AuditRecord[] = [];
        let unreadable = 0;
        let cursor = 0;
        let more = false;
        for await (const line of linesBackward(handle, Math.min(before ?? size, size))) {
          if (records.length === limit) {
            more = true;
            break;
          }
          cursor = line.start;
          const parsed = parseRecord(line.text);
          if (parsed) records.push(parsed);
          else unreadable++;
        }
        return { records, unreadable, ...(more ? { nextCursor: cursor } : {}) };
      } finally {
        await handle.close();
      }
    },
  };
}

function parseRecord(text: string): AuditRecord | undefined {
  try {
    const parsed = auditRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The non-empty lines that end before byte `end`, last first, each with the offset it starts at. */
async function* linesBackward(handle: FileHandle, end: number): AsyncGenerator<{ start: number; text: string }> {
  let position = end;
  let rest = Buffer.alloc(0);
  while (position > 0) {
    const start = Math.max(0, position - CHUNK);
    const chunk = Buffer.alloc(position - start);
    await handle.read(chunk, 0, chunk.length, start);
    const buffer = Buffer.concat([chunk, rest]);
    let lineEnd = buffer.length;
    for (let i = buffer.length - 1; i >= 0; i--) {
      if (buffer[i] !== 0x0a) continue;
      if (lineEnd > i + 1) yield { start: start + i + 1, text: buffer.toString('utf8', i + 1, lineEnd) };
      lineEnd = i;
    }
    rest = buffer.subarray(0, lineEnd);
    position = start;
  }
  if (rest.length) yield { start: 0, text: rest.toString('utf8') };
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** A new file's directory entry is durable only once the directory itself is synced. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
