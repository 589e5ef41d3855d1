import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { resolveTool, toolsDir, type PinnedTool } from './resolve';

export interface EnsureOptions {
  /** Where the installer's progress goes, line by line; stderr by default, so a test run or `npm run console` shows why it waits. */
  log?: (line: string) => void;
}

/** One install per tool and tools directory in this process; the installer's lock serialises other processes. */
const inFlight = new Map<string, Promise<string>>();

/**
 * The path of a pinned tool, installing it first when it is missing or not as installed: the console's
 * specs, browser tests and `npm run console` call this for gitea and chromium, which `npm run setup`
 * leaves out (a five-minute build nobody running the gates needs). Fails with the installer's own words
 * and the command to run by hand.
 */
export async function ensureTool(root: string, name: PinnedTool, options: EnsureOptions = {}): Promise<string> {
  const found = resolveTool(root, name);
  if (found.ok) return found.path;
  const key = `${toolsDir(root)}\0${name}`;
  let install = inFlight.get(key);
  if (!install) {
    install = runInstaller(root, name, found.message, options.log ?? ((line) => process.stderr.write(`${line}\n`)));
    inFlight.set(key, install);
    void install.finally(() => inFlight.delete(key)).catch(() => undefined);
  }
  return install;
}

async function runInstaller(root: string, name: PinnedTool, why: string, log: (line: string) => void): Promise<string> {
  const command = `bash scripts/install-tools.sh ${name}`;
  // The resolver's words name the tool, the version expected, what is wrong and the command run now.
  log(`${name}: ${why}`);
  const tail: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'scripts', 'install-tools.sh'), name], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (!line.trim()) return;
        log(line);
        tail.push(line);
        if (tail.length > 10) tail.shift();
      });
    }
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`installing ${name} failed (exit ${code ?? 'signal'}); run \`${command}\` to see why. Last lines:\n${tail.join('\n')}`);
  }
  const installed = resolveTool(root, name);
  if (!installed.ok) throw new Error(`${command} finished but ${name} still does not resolve: ${installed.message}`);
  return installed.path;
}
