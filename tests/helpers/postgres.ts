import { execFile, execFileSync, spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolvePostgresql, type ResolvedPostgresql } from '../../policies/toolchain/resolve';
import { REPO_ROOT } from './example-repo';
import { freePort, stopProcess } from './processes';

const run = promisify(execFile);

export interface PostgresServer {
  /** libpq connection string of a database (`postgres` unless named) as the superuser `postgres`, over loopback TCP. */
  dsn(database?: string): string;
  /** Runs SQL as the superuser in a database (`postgres` unless named); rejects on the first error. */
  sql(text: string, database?: string): Promise<string>;
  stop(): Promise<void>;
}

type Usable = Extract<ResolvedPostgresql, { ok: true }>;

/** The checkout's pinned PostgreSQL, or an error that says how to install it. */
export function postgresql(): Usable {
  const resolved = resolvePostgresql(REPO_ROOT);
  if (!resolved.ok) throw new Error(resolved.message);
  return resolved;
}

/**
 * initdb and postgres refuse to run as root; as root the cluster is made and served by `nobody`, which
 * must own its data directory.
 */
function unprivileged(program: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, [...args]];
  return ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', program, ...args]];
}

/**
 * A real PostgreSQL server in a fresh temporary cluster, listening on 127.0.0.1 only (its socket in its
 * own directory), with trust authentication for loopback: nothing but this machine can reach it.
 * `stop()` shuts it down and removes the cluster. `settings` are server parameters, e.g. `{ TimeZone: 'Asia/Tokyo' }`.
 */
export async function startPostgres(settings: Readonly<Record<string, string>> = {}): Promise<PostgresServer> {
  const pg = postgresql();
  const dir = await mkdtemp(path.join(tmpdir(), 'postgres-'));
  try {
    if (process.getuid?.() === 0) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
      await chown(dir, id('-u'), id('-g'));
    }
    const data = path.join(dir, 'data');
    await run(...unprivileged(pg.initdb, ['--pgdata', data, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C.UTF-8']));
    const port = await freePort();
    const [program, args] = unprivileged(pg.postgres, ['-D', data, '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])]);
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('database system is ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`postgres exited with ${code} before it was ready:\n${log}`)));
    });
    const dsn = (database = 'postgres') => `host=127.0.0.1 port=${port} user=postgres dbname=${database}`;
    return {
      dsn,
      async sql(text, database) {
        const { stdout } = await run(pg.psql, ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', `--dbname=${dsn(database)}`, '--command', text]);
        return stdout;
      },
      async stop() {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
