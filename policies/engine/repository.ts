import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { listInputFiles } from '../../schemas';

const run = promisify(execFile);

/** Tracked files, or, outside a git checkout, every file the pipeline knows about. */
export async function repositoryPaths(root: string, files: Iterable<string>): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const tracked = stdout.split('\0').filter(Boolean);
    if (tracked.length) return tracked;
  } catch {
    // not a git checkout: fall through
  }
  return [...new Set([...(await listInputFiles(root)), ...files])].sort();
}
