import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../../../modules/generated-dir';
import { idempotencyKey } from '../../../schemas';
import type { Preview } from './types';

/** What a submit did, kept under its idempotency key so that the same key replays it instead of acting twice. */
export interface SubmissionRecord {
  idempotencyKey: string;
  previewId: string;
  branch: string;
  pullRequest: { number: number; url: string };
  at: string;
  preview: Preview;
}

/** `stateDir/submissions/<key>.json`, one atomic file per key. */
export class Submissions {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'submissions');
  }

  async read(key: string): Promise<SubmissionRecord | undefined> {
    const text = await readFile(this.file(key), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : (JSON.parse(text) as SubmissionRecord);
  }

  async write(record: SubmissionRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await replaceFile(this.file(record.idempotencyKey), `${JSON.stringify(record)}\n`);
  }

  private file(key: string): string {
    // The key names a file: only the schema's alphabet reaches the file system.
    return path.join(this.dir, `${idempotencyKey.parse(key)}.json`);
  }
}
