import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pinnedVersion, resolvePostgresql, resolveTool } from '../policies/toolchain/resolve';
import { REPO_ROOT } from './helpers/example-repo';

// The real installer against a scratch tools directory. promtool is the tool used here because it installs
// in about a second (Debian package, no build); the others go through the same skip/stamp logic.
const tools = mkdtempSync(path.join(tmpdir(), 'mr-install-'));
afterAll(() => rmSync(tools, { recursive: true, force: true }));

function installer(...args: string[]) {
  return installerWith({}, ...args);
}

function installerWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const run = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/install-tools.sh'), ...args], {
    env: { ...process.env, MR_TOOLS_DIR: tools, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function here<T>(resolve: () => T): T {
  vi.stubEnv('MR_TOOLS_DIR', tools);
  try {
    return resolve();
  } finally {
    vi.unstubAllEnvs();
  }
}

const resolvedHere = (name: 'promtool' | 'prometheus') => here(() => resolveTool(REPO_ROOT, name));

// initdb and postgres refuse to run as root; CI runs as root, so the server runs as nobody.
const asServerUser = (command: string[]) => (process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command] : command);

function runAsServerUser(command: string[]) {
  const [file, ...args] = asServerUser(command);
  const run = spawnSync(file!, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('scripts/install-tools.sh', () => {
  const version = pinnedVersion('promtool');

  it('installs promtool and prometheus at the pinned version, and they run', { timeout: 120_000 }, () => {
    const first = installer('promtool');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(new RegExp(`^install-tools: promtool ${version.replace(/[+.]/g, '\\$&')} installed in \\d+s$`, 'm'));
    for (const name of ['promtool', 'prometheus'] as const) {
      const tool = resolvedHere(name);
      expect(tool).toMatchObject({ ok: true, version });
      const answer = spawnSync(tool.ok ? tool.path : '', ['--version'], { encoding: 'utf8' });
      expect(answer.stdout + answer.stderr).toContain(`version ${version.split('+')[0]}`);
    }
  });

  it('skips a tool already installed at the pinned version without touching it', { timeout: 120_000 }, () => {
    const before = statSync(path.join(tools, 'bin', 'promtool')).mtimeMs;
    const again = installer('promtool');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toBe(`install-tools: promtool ${version} already installed\n`);
    expect(statSync(path.join(tools, 'bin', 'promtool')).mtimeMs).toBe(before);
  });

  it('reinstalls a tool whose stamp records another version', { timeout: 120_000 }, () => {
    writeFileSync(path.join(tools, 'stamps', 'promtool'), '2.0.0\n');
    expect(resolvedHere('promtool')).toMatchObject({ ok: false });
    const repaired = installer('promtool');
    expect(repaired.out).toContain(`install-tools: promtool ${version} installed in`);
    expect(resolvedHere('promtool')).toMatchObject({ ok: true, version });
  });

  it('completes a stamp from before binaries were recorded without reinstalling', { timeout: 120_000 }, () => {
    const before = statSync(path.join(tools, 'bin', 'promtool')).mtimeMs;
    for (const name of ['promtool', 'prometheus']) writeFileSync(path.join(tools, 'stamps', name), `${version}\n`);
    expect(resolvedHere('promtool')).toMatchObject({ ok: false });
    const restamped = installer('promtool');
    expect(restamped.code, restamped.err).toBe(0);
    expect(restamped.out).toBe(`install-tools: promtool ${version} already installed; its stamp now records the binary\n`);
    expect(statSync(path.join(tools, 'bin', 'promtool')).mtimeMs).toBe(before);
    expect(resolvedHere('promtool')).toMatchObject({ ok: true, version });
    expect(resolvedHere('prometheus')).toMatchObject({ ok: true, version });
  });

  it('reinstalls a binary replaced since it was installed', { timeout: 120_000 }, () => {
    const binary = path.join(tools, 'bin', 'promtool');
    copyFileSync(binary, `${binary}.copy`);
    renameSync(`${binary}.copy`, binary);
    expect(resolvedHere('promtool')).toMatchObject({ ok: false, message: expect.stringContaining(`${binary} changed since it was installed`) });
    const repaired = installer('promtool');
    expect(repaired.out).toContain(`install-tools: promtool ${version} installed in`);
    expect(resolvedHere('promtool')).toMatchObject({ ok: true, version });
  });

  it('installs PostgreSQL from the unpacked Debian packages, and a real server starts, answers psql on loopback and stops', { timeout: 120_000 }, () => {
    const version = pinnedVersion('postgres');
    const installed = installer('postgresql');
    expect(installed.code, installed.err).toBe(0);
    expect(installed.out).toMatch(new RegExp(`^install-tools: postgresql ${version.replace(/[+.]/g, '\\$&')} installed in \\d+s$`, 'm'));
    const postgresql = here(() => resolvePostgresql(REPO_ROOT));
    if (!postgresql.ok) throw new Error(postgresql.message);
    expect(postgresql.binDir).toBe(path.join(tools, 'bin'));

    const work = mkdtempSync(path.join(tmpdir(), 'mr-postgres-'));
    if (process.getuid?.() === 0) {
      // mkdtemp's mode lets no other user in; a project's .tools/ is world-readable as created.
      chmodSync(tools, 0o755);
      chownSync(work, 65534, 65534);
    }
    const data = path.join(work, 'data');
    const port = String(20_000 + (process.pid % 20_000));
    try {
      const init = runAsServerUser([postgresql.initdb, '-D', data, '-U', 'postgres', '--auth=trust', '--locale=C', '-E', 'UTF8', '--no-sync']);
      expect(init.code, init.out).toBe(0);
      // The share directory initdb read is the unpacked one, not a system installation's.
      expect(runAsServerUser([postgresql.initdb, '--show', '-D', data]).out).toContain(`share_path=${path.join(tools, 'postgresql', version, 'usr/share/postgresql/15')}`);
      const start = runAsServerUser([postgresql.pg_ctl, '-D', data, '-l', path.join(work, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${work}`, 'start']);
      expect(start.code, start.out).toBe(0);
      try {
        const query = runAsServerUser([postgresql.psql, '-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-Atc', 'select version()']);
        expect(query.code, query.out).toBe(0);
        expect(query.out).toContain(`PostgreSQL 15.${version.split('-')[0]!.split('.')[1]} (Debian ${version})`);
      } finally {
        const stop = runAsServerUser([postgresql.pg_ctl, '-D', data, '-m', 'fast', '-w', 'stop']);
        expect(stop.code, stop.out).toBe(0);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('refuses to install chromium without root, naming the command that installs it', () => {
    // A machine without the pinned Debian package, seen by a user who is not root.
    const fakes = mkdtempSync(path.join(tmpdir(), 'mr-install-fakes-'));
    try {
      writeFileSync(path.join(fakes, 'dpkg-query'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      writeFileSync(path.join(fakes, 'id'), '#!/bin/sh\n[ "$1" = -u ] && echo 1000 && exit 0\nexec /usr/bin/id "$@"\n', { mode: 0o755 });
      const refused = installerWith({ PATH: `${fakes}:${process.env.PATH}` }, 'chromium');
      const version = pinnedVersion('chromium');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(`install-tools: chromium ${version} is not installed and installing a Debian package needs root; run: sudo apt-get install -y chromium=${version}`);
      expect(existsSync(path.join(tools, 'bin', 'chromium'))).toBe(false);
      expect(existsSync(path.join(tools, 'stamps', 'chromium'))).toBe(false);
    } finally {
      rmSync(fakes, { recursive: true, force: true });
    }
  });

  it('refuses an unknown tool name, listing the known ones', () => {
    const unknown = installer('terraform');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown tool 'terraform' (known: opa kyverno promtool prometheus checkov postgresql");
  });
});
