import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../../../modules/generated-dir';
import { idempotencyKey, previewId } from '../../../schemas';
import type { Preview } from './types';
import { sha256 } from './workspace';

/** Records older than this are removed when the service starts: a retry comes within minutes, not weeks. */
export const RECORD_RETENTION_MS = 14 * 24 * 3600_000;

/** What a submit did, kept under its requester's idempotency key so that the same key replays it instead of acting twice. */
export interface SubmissionRecord {
  login: string;
  idempotencyKey: string;
  previewId: string;
  branch: string;
  pullRequest: { number: number; url: string };
  at: string;
  preview: Preview;
}

/**
 * What a preview fixed, by preview id: the clock its intent was planned with (a failover's start, a barrier's
 * record) and, once submitted, the commit built from it, so that a retry publishes exactly what was previewed.
 */
export interface PreviewRecord {
  id: string;
  at: string;
  commit?: string;
}

/**
 * `stateDir/submissions/<sha-256 of login and key>.json` and `stateDir/previews/<preview id>.json`, one
 * atomic file each. A key is the requester's own: another requester's identical key is another record.
 */
export class Records {
  private readonly submissions: string;
  private readonly previews: string;

  constructor(stateDir: string) {
    this.submissions = path.join(stateDir, 'submissions');
    this.previews = path.join(stateDir, 'previews');
  }

  readSubmission(login: string, key: string): Promise<SubmissionRecord | undefined> {
    return readJson<SubmissionRecord>(this.submissionFile(login, key));
  }

  writeSubmission(record: SubmissionRecord): Promise<void> {
    return writeJson(this.submissionFile(record.login, record.idempotencyKey), record);
  }

  readPreview(id: string): Promise<PreviewRecord | undefined> {
    return readJson<PreviewRecord>(this.previewFile(id));
  }

  writePreview(record: PreviewRecord): Promise<void> {
    return writeJson(this.previewFile(record.id), record);
  }

  /** Removes submission and preview records last written before `cutoff`. */
  async prune(cutoff: Date): Promise<void> {
    for (const dir of [this.submissions, this.previews]) {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const name of names) {
        const file = path.join(dir, name);
        const { mtime } = await stat(file);
        if (mtime < cutoff) await rm(file, { force: true });
      }
    }
  }

  private submissionFile(login: string, key: string): string {
    // The key is checked against the schema's alphabet; the file is named by a hash, so no login reaches the file system.
    return path.join(this.submissions, `${sha256(`${login.toLowerCase()}\0${idempotencyKey.parse(key)}`)}.json`);
  }

  private previewFile(id: string): string {
    return path.join(this.previews, `${previewId.parse(id)}.json`);
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await replaceFile(file, `${JSON.stringify(value)}\n`);
}
