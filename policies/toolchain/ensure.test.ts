import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../tests/helpers/example-repo';
import { ensureTool } from './ensure';
import { pinnedVersion } from './resolve';

// The real installer against a scratch tools directory. Chromium is the tool used here because Debian's
// package is already on the machines that run the console's tests (the installer only links and stamps
// it); gitea goes through the same path, with a five-minute build, the first time a console spec starts it.
const scratch = mkdtempSync(path.join(tmpdir(), 'mr-ensure-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe('ensureTool', () => {
  it('installs a missing tool once for concurrent callers, streaming the installer, then finds it without running anything', { timeout: 600_000 }, async () => {
    const tools = path.join(scratch, 'tools');
    vi.stubEnv('MR_TOOLS_DIR', tools);
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const [first, second] = await Promise.all([ensureTool(REPO_ROOT, 'chromium', { log }), ensureTool(REPO_ROOT, 'chromium', { log })]);
    expect(first).toBe(path.join(tools, 'bin', 'chromium'));
    expect(second).toBe(first);
    expect(readlinkSync(first)).toBe('/usr/bin/chromium');
    const version = pinnedVersion('chromium');
    expect(lines.filter((line) => line.startsWith(`install-tools: installing chromium ${version} (`))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^install-tools: chromium ${version.replace(/[.+~]/g, '\\$&')} installed in \\d+s$`)));
    expect(execFileSync(first, ['--version'], { encoding: 'utf8' })).toContain(`Chromium ${version.split('-')[0]}`);

    lines.length = 0;
    expect(await ensureTool(REPO_ROOT, 'chromium', { log })).toBe(first);
    expect(lines).toEqual([]);
  });

  it('fails with the installer’s last words and the command to run when the install fails', { timeout: 120_000 }, async () => {
    const notADirectory = path.join(scratch, 'a-file');
    writeFileSync(notADirectory, '');
    vi.stubEnv('MR_TOOLS_DIR', path.join(notADirectory, 'tools'));
    const attempt = ensureTool(REPO_ROOT, 'chromium', { log: () => undefined });
    await expect(attempt).rejects.toThrow(/installing chromium failed \(exit 1\); run `bash scripts\/install-tools\.sh chromium` to see why\. Last lines:\n.*Not a directory/);
  });
});
