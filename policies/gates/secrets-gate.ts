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

/** A TOML string as the config may write it: literal (`'''…'''`, `'…'`) or basic (`"…"`, escapes as in JSON). */
const STRING = String.raw`'''(?:(?!''').)*'''|'[^']*'|"(?:[^"\\]|\\.)*"`;
const KEY_VALUE = /^([A-Za-z0-9_-]+)\s*=\s*(.*?)\s*$/;
const STRING_LIST = new RegExp(String.raw`^\[\s*(?:(?:${STRING})\s*,\s*)*(?:${STRING})?\s*,?\s*\]$`);

interface AllowlistTable {
  readonly line: number;
  description?: string;
  patterns?: string[];
}

type Section = 'top' | 'extend' | 'allowlists' | 'other';

/**
 * The whole config held to this repository's rule, line by line, since no TOML parser is installed: `[extend]`
 * with `useDefault = true` alone, so every default rule applies as gitleaks ships it, and `[[allowlists]]`
 * tables of a description (the reason) and path patterns, each `key = value` on one line. Anything else (a
 * disabled or redefined rule, a regex or stopword allow-list, a top-level key, a line it cannot read) is a
 * problem: each could silence a rule while the gate reports that only fixtures are allow-listed. gitleaks
 * itself parses the file again when it runs and refuses one that is malformed.
 */
export function readAllowlists(config: string): Allowlists {
  const problems: string[] = [];
  const tables: AllowlistTable[] = [];
  let section: Section = 'top';
  let extendTables = 0;
  let useDefault = false;
  config.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const where = `${GITLEAKS_CONFIG}:${index + 1}`;
    if (!line || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      section = line === '[extend]' ? 'extend' : line === '[[allowlists]]' ? 'allowlists' : 'other';
      if (section === 'extend') extendTables += 1;
      if (section === 'allowlists') tables.push({ line: index + 1 });
      if (section === 'other') {
        problems.push(
          /allowlist/i.test(line)
            ? `${where}: ${line}: allow-lists go in [[allowlists]] tables, each naming fixture files and why`
            : `${where}: ${line}: only [extend] with useDefault = true and [[allowlists]] of fixture paths may be configured; a rule of its own or a changed default rule could silence what the gate claims to check`,
        );
      }
      return;
    }
    const entry = KEY_VALUE.exec(line);
    if (!entry) {
      problems.push(`${where}: not a key = value line this gate reads (${line.slice(0, 80)}); write each value on one line`);
      return;
    }
    const key = entry[1]!;
    const value = entry[2]!;
    if (section === 'other') return;
    if (section === 'top') {
      problems.push(`${where}: ${key}: no top-level key is allowed; the config holds [extend] and [[allowlists]] tables only`);
    } else if (section === 'extend') {
      if (key === 'useDefault' && value === 'true') useDefault = true;
      else problems.push(`${where}: [extend] ${key}: only useDefault = true is allowed; every default rule applies`);
    } else {
      const table = tables[tables.length - 1]!;
      if (key === 'description' && table.description === undefined) {
        table.description = parseString(value)?.trim() ?? '';
      } else if (key === 'paths' && table.patterns === undefined) {
        const list = STRING_LIST.test(value);
        table.patterns = list ? [...value.matchAll(new RegExp(STRING, 'g'))].map((match) => parseString(match[0]) ?? '') : [];
        if (!list) problems.push(`${where}: paths: expected a list of strings on one line, e.g. paths = ['''^fixtures/key\\.ts$''']`);
      } else {
        problems.push(`${where}: [[allowlists]] ${key}: only description and paths are allowed here, each once`);
      }
    }
  });
  if (extendTables !== 1 || !useDefault) problems.push(`${GITLEAKS_CONFIG}: expected one [extend] table with useDefault = true, so every default rule applies`);
  const paths: Allowlists['paths'] = [];
  for (const { line, description, patterns = [] } of tables) {
    const label = `${GITLEAKS_CONFIG}:${line}: [[allowlists]] ${patterns.join(', ') || '(no paths)'}`;
    if (!description) problems.push(`${label}: needs a description saying why its secrets are fake`);
    if (!patterns.length) problems.push(`${label}: needs paths naming the fixture files`);
    if (description && patterns.length) paths.push(...patterns.map((pattern) => ({ pattern, reason: description })));
  }
  return { paths, problems };
}

/** The value of one TOML string, or undefined when it is not one. */
function parseString(value: string): string | undefined {
  if (value.length >= 6 && value.startsWith("'''") && value.endsWith("'''")) return value.slice(3, -3);
  if (/^'[^']*'$/.test(value)) return value.slice(1, -1);
  if (!/^"(?:[^"\\]|\\.)*"$/.test(value)) return undefined;
  try {
    return JSON.parse(value) as string;
  } catch {
    return undefined;
  }
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
