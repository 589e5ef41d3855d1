import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pinnedVersion, resolvePostgresql, resolveTool } from './resolve';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'mr-tools-'));
  vi.stubEnv('MR_TOOLS_DIR', '');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

/**
 * A binary stamped as scripts/install-tools.sh stamps it: the version, then what GNU stat reports of the binary
 * (through the link in bin/ when the tool lives elsewhere, as gitea and chromium do).
 */
function installFake(name: string, stamp: string | undefined, dir = path.join(root, '.tools'), { recorded = true, linkedFrom = '' } = {}) {
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'stamps'), { recursive: true });
  const binary = path.join(dir, 'bin', name);
  const file = linkedFrom ? path.join(dir, linkedFrom) : binary;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  if (linkedFrom) symlinkSync(path.relative(path.dirname(binary), file), binary);
  const record = recorded ? `\n${execFileSync('stat', ['-L', '-c', '%s %i %.9Y %.9Z', binary], { encoding: 'utf8' }).trim()}` : '';
  if (stamp !== undefined) writeFileSync(path.join(dir, 'stamps', name), `${stamp}${record}\n`);
  return binary;
}

describe('resolveTool', () => {
  it('reports a missing tool with its pinned version and the command that installs it', () => {
    const result = resolveTool(root, 'opa');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(`expected ${pinnedVersion('opa')}`);
    expect(result.ok ? '' : result.message).toContain('bash scripts/install-tools.sh opa');
  });

  it('refuses a tool stamped with another version', () => {
    installFake('kyverno', '0.0.1');
    const result = resolveTool(root, 'kyverno');
    expect(result).toMatchObject({ ok: false, name: 'kyverno' });
    expect(result.ok ? '' : result.message).toContain(`is version 0.0.1, pinned is ${pinnedVersion('kyverno')}`);
  });

  it('refuses a binary the installer never stamped', () => {
    installFake('promtool', undefined);
    const result = resolveTool(root, 'promtool');
    expect(result.ok ? '' : result.message).toContain('is an unknown version');
  });

  it('finds a tool installed at its pinned version', () => {
    installFake('checkov', pinnedVersion('checkov'));
    expect(resolveTool(root, 'checkov')).toEqual({
      ok: true,
      name: 'checkov',
      path: path.join(root, '.tools', 'bin', 'checkov'),
      version: pinnedVersion('checkov'),
    });
  });

  it('refuses a binary replaced since it was installed, naming the command that reinstalls it', () => {
    const binary = installFake('opa', pinnedVersion('opa'));
    writeFileSync(`${binary}.new`, '#!/bin/sh\necho "Version: 1.22.2"\n');
    chmodSync(`${binary}.new`, 0o755);
    renameSync(`${binary}.new`, binary);
    expect(resolveTool(root, 'opa')).toEqual({
      ok: false,
      name: 'opa',
      message: `${binary} changed since it was installed; run \`npm run setup\`, or just this tool: \`bash scripts/install-tools.sh opa\``,
    });
  });

  it('refuses a binary rewritten in place', () => {
    const binary = installFake('kyverno', pinnedVersion('kyverno'));
    writeFileSync(binary, '#!/bin/sh\nexit 1\n');
    const result = resolveTool(root, 'kyverno');
    expect(result.ok ? '' : result.message).toContain(`${binary} changed since it was installed`);
  });

  it('refuses a stamp from before binaries were recorded, naming the command that completes it', () => {
    const binary = installFake('promtool', pinnedVersion('promtool'), undefined, { recorded: false });
    const result = resolveTool(root, 'promtool');
    expect(result.ok ? '' : result.message).toBe(
      `${binary} has no record of the binary it was installed as (an older installer stamped it); run \`npm run setup\`, or just this tool: \`bash scripts/install-tools.sh promtool\``,
    );
  });

  it('sends a tool installed on first use to the installer alone, not to npm run setup', () => {
    const result = resolveTool(root, 'gitea');
    expect(result).toEqual({
      ok: false,
      name: 'gitea',
      message: `not installed (expected ${pinnedVersion('gitea')} at ${path.join(root, '.tools', 'bin', 'gitea')}); run \`bash scripts/install-tools.sh gitea\` (the console's specs and \`npm run console\` run it on first use)`,
    });
  });

  it('finds a tool through its link in bin/ and checks the file the link points at', () => {
    const binary = installFake('gitea', pinnedVersion('gitea'), undefined, { linkedFrom: 'gitea/gitea' });
    expect(resolveTool(root, 'gitea')).toEqual({ ok: true, name: 'gitea', path: binary, version: pinnedVersion('gitea') });
    const target = path.join(root, '.tools', 'gitea', 'gitea');
    writeFileSync(`${target}.new`, '#!/bin/sh\necho "Gitea version 1.27.3 "\n');
    chmodSync(`${target}.new`, 0o755);
    renameSync(`${target}.new`, target);
    expect(resolveTool(root, 'gitea')).toMatchObject({ ok: false, message: expect.stringContaining(`${binary} changed since it was installed`) });
  });

  it('looks in MR_TOOLS_DIR when it is set', () => {
    const shared = path.join(root, 'shared-tools');
    installFake('opa', pinnedVersion('opa'), shared);
    vi.stubEnv('MR_TOOLS_DIR', shared);
    expect(resolveTool(root, 'opa')).toMatchObject({ ok: true, path: path.join(shared, 'bin', 'opa') });
  });

  it('reports terraform as absent when it is not on PATH', () => {
    vi.stubEnv('PATH', path.join(root, 'empty'));
    const result = resolveTool(root, 'terraform');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain('terraform is not on PATH');
  });
});

describe('resolvePostgresql', () => {
  it('finds the four PostgreSQL programs in one directory, each at the version of the one postgresql pin', () => {
    const version = pinnedVersion('postgres');
    const paths = ['initdb', 'pg_ctl', 'postgres', 'psql'].map((name) => installFake(name, version));
    expect(resolvePostgresql(root)).toEqual({
      ok: true,
      version,
      binDir: path.join(root, '.tools', 'bin'),
      initdb: paths[0],
      pg_ctl: paths[1],
      postgres: paths[2],
      psql: paths[3],
    });
  });

  it('names each missing program and the command that installs them', () => {
    installFake('initdb', pinnedVersion('initdb'));
    installFake('postgres', pinnedVersion('postgres'));
    const result = resolvePostgresql(root);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toContain(`pg_ctl: not installed (expected ${pinnedVersion('pg_ctl')}`);
    expect(message).toContain('psql: not installed');
    expect(message).toContain('bash scripts/install-tools.sh psql');
    expect(message).not.toContain('initdb:');
  });
});
