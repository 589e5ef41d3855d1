import { execFile } from 'node:child_process';
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { count } from '../../schemas';
import { resolveTool } from '../toolchain/resolve';
import { fail, pass, type Gate } from './gate';
import { formatFinding, oneLine, parseSarif, publishSarif, runTool, sarifFindings } from './sarif';

export const GITLEAKS_CONFIG = '.gitleaks.toml';

const git = promisify(execFile);

/**
 * gitleaks' default rules over every file git would commit from the working tree (tracked, or untracked and
 * not ignored), secrets redacted in everything it prints and writes. Only the committed config can allow
 * anything, and only whole fixture files with a reason: inline `gitleaks:allow` comments and .gitleaksignore
 * files are not honoured, and an allow-list entry that matches no file fails, so none outlives its fixture.
 */
export const secretsGate: Gate = {
  name: 'secrets',
  description: `gitleaks finds no secret in the files git would commit, allowing only the fake-secret fixtures ${GITLEAKS_CONFIG} names with a reason; its SARIF (redacted) goes to $MR_SARIF_DIR/secrets.sarif.`,
  async run({ root }) {
    const gitleaks = resolveTool(root, 'gitleaks');
    if (!gitleaks.ok) return fail('gitleaks unavailable', [gitleaks.message]);
    const config = await readFile(path.join(root, GITLEAKS_CONFIG), 'utf8').catch(() => undefined);
    if (config === undefined) return fail(`${GITLEAKS_CONFIG} is missing`, [`restore ${GITLEAKS_CONFIG}: the gate runs gitleaks only with the committed configuration`]);
    const files = await commitCandidates(root);
    if (!files) return fail('not a git working tree', ['the gate scans the files git would commit; run it in a clone of the repository']);
    const allowlists = readAllowlists(config);
    const configProblems = [...allowlists.problems, ...staleEntries(allowlists.paths, files)];

    const work = await mkdtemp(path.join(tmpdir(), 'secrets-gate-'));
    try {
      // A copy of exactly these files: gitleaks' directory scan would otherwise read node_modules/, .tools/ and
      // every build output, none of which is committed.
      const tree = path.join(work, 'tree');
      for (const file of files) await copyRegular(path.join(root, file), path.join(tree, file));
      const report = path.join(work, 'gitleaks.sarif');
      const noIgnoreFile = path.join(work, 'no-gitleaksignore');
      await mkdir(noIgnoreFile);
      const args = ['dir', '--no-banner', '--no-color', '--redact', '--config', path.join(root, GITLEAKS_CONFIG), '--ignore-gitleaks-allow', '--gitleaks-ignore-path', noIgnoreFile, '--report-format', 'sarif', '--report-path', report, '--exit-code', '1', '.'];
      const run = await runTool(gitleaks.path, args, { cwd: tree });
      const written = await readFile(report, 'utf8').catch(() => '');
      if ((run.code !== 0 && run.code !== 1) || !written) return fail(`gitleaks exited with ${run.code ?? 'a signal'}`, [oneLine(run.stderr)]);
      const log = parseSarif(written, 'gitleaks');
      await publishSarif('secrets', log);
      const findings = sarifFindings(log);
      const leaks = findings.map((finding) => `${formatFinding(finding)}: remove the secret, rotate it if it was ever real; a fake one in a test fixture goes into ${GITLEAKS_CONFIG} with its reason`);
      if (run.code === 1 && !findings.length) return fail('gitleaks reported leaks but its report lists none', [oneLine(run.stderr)]);
      if (leaks.length || configProblems.length) return fail(`${count(findings.length, 'secret')}, ${count(configProblems.length, 'configuration problem')}`, [...leaks, ...configProblems]);
      return pass(`${count(files.length, 'file')} clean; ${count(allowlists.paths.length, 'fixture')} allow-listed with a reason`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

/** Repository-relative paths of the files git would commit, or undefined outside a git working tree. */
async function commitCandidates(root: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await git('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return [...new Set(stdout.split('\0').filter(Boolean))].sort();
  } catch {
    return undefined;
  }
}

/** Copies a regular file; a path deleted from the working tree, a link or a submodule is not content to scan. */
async function copyRegular(source: string, target: string): Promise<void> {
  const stats = await lstat(source).catch(() => undefined);
  if (!stats?.isFile()) return;
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(source, target);
}

export interface Allowlists {
  /** Each allow-listed path pattern with the file's reason. */
  paths: Array<{ pattern: string; reason: string }>;
  problems: string[];
}

const ALLOWED_KEYS = new Set(['description', 'paths']);

/**
 * The `[[allowlists]]` tables of the config, held to this repository's rule: a description (the reason) and
 * path patterns, nothing broader. A line-level reading of the TOML subset the file uses; gitleaks itself
 * parses the whole file when it runs and refuses one that is malformed.
 */
export function readAllowlists(config: string): Allowlists {
  const paths: Allowlists['paths'] = [];
  const problems: string[] = [];
  const tables = config.replace(/^\s*#.*$/gm, '').split(/^(?=\s*\[)/m);
  for (const table of tables) {
    const header = /^\s*(\[\[?[^\]]+\]\]?)/.exec(table)?.[1];
    if (!header) continue;
    if (header !== '[[allowlists]]') {
      if (/allowlist/i.test(header)) problems.push(`${GITLEAKS_CONFIG}: ${header}: allow-lists go in [[allowlists]] tables, each naming fixture files and why`);
      continue;
    }
    const entries = new Map<string, string>();
    for (const match of table.matchAll(/^\s*([A-Za-z_]+)\s*=\s*([\s\S]*?)(?=^\s*[A-Za-z_]+\s*=|(?![\s\S]))/gm)) entries.set(match[1]!, match[2]!.trim());
    const reason = /^"(.*)"$/.exec(entries.get('description') ?? '')?.[1]?.trim();
    const patterns = [...(entries.get('paths') ?? '').matchAll(/'''(.*?)'''|'([^']*)'|"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
    const extra = [...entries.keys()].filter((key) => !ALLOWED_KEYS.has(key));
    const label = `${GITLEAKS_CONFIG}: [[allowlists]] ${patterns.join(', ') || '(no paths)'}`;
    if (!reason) problems.push(`${label}: needs a description saying why its secrets are fake`);
    if (!patterns.length) problems.push(`${label}: needs paths naming the fixture files`);
    if (extra.length) problems.push(`${label}: only description and paths are allowed here, found ${extra.join(', ')}`);
    if (reason && patterns.length && !extra.length) paths.push(...patterns.map((pattern) => ({ pattern, reason })));
  }
  return { paths, problems };
}

function staleEntries(paths: Allowlists['paths'], files: string[]): string[] {
  return paths.flatMap(({ pattern }) => {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      return [`${GITLEAKS_CONFIG}: path pattern ${pattern} is not a regular expression: ${(error as Error).message}`];
    }
    return files.some((file) => regex.test(file)) ? [] : [`${GITLEAKS_CONFIG}: path pattern ${pattern} matches no file; remove the entry`];
  });
}
