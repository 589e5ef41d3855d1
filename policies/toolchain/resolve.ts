import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import versions from './versions.json' with { type: 'json' };

/** PostgreSQL's programs in `bin/`, all installed from the one pin `postgresql` (Debian's postgresql-15). */
export const POSTGRESQL_PROGRAMS = ['initdb', 'pg_ctl', 'postgres', 'psql'] as const;
export type PostgresqlProgram = (typeof POSTGRESQL_PROGRAMS)[number];

/**
 * Tools installed by `scripts/install-tools.sh` at the versions in `versions.json` (`cdktn`: benchmarks only,
 * on request; `gitea` and `chromium`: the console's, installed on first use by `ensureTool`).
 */
export type PinnedTool =
  | 'opa'
  | 'kyverno'
  | 'promtool'
  | 'prometheus'
  | 'checkov'
  | 'actionlint'
  | 'shellcheck'
  | 'zizmor'
  | 'gitleaks'
  | 'semgrep'
  | 'cdktn'
  | 'gitea'
  | 'chromium'
  | PostgresqlProgram;
/** Terraform is not in any registry this project's machines reach, so it is found on PATH, never installed. */
export type ToolName = PinnedTool | 'terraform';

export type ResolvedTool =
  | { ok: true; name: ToolName; path: string; version: string }
  | { ok: false; name: ToolName; message: string };

/** Where the installer puts tools: `$MR_TOOLS_DIR`, else `<root>/.tools`. */
export function toolsDir(root: string): string {
  return process.env.MR_TOOLS_DIR ? path.resolve(process.env.MR_TOOLS_DIR) : path.join(root, '.tools');
}

/** A tool's entry in `versions.json`. */
export interface ToolPin {
  version: string;
  source: string;
  /** Left out of `npm run setup`; `ensureTool` installs it when something first needs it. */
  onFirstUse?: boolean;
  /** How long a first install takes, for the line that explains the wait. */
  installsIn?: string;
}

/** The `versions.json` entry a tool is installed from: its own, or its package's for PostgreSQL's programs. */
function pinOf(name: PinnedTool): keyof typeof versions {
  return (POSTGRESQL_PROGRAMS as readonly string[]).includes(name) ? 'postgresql' : (name as Exclude<PinnedTool, PostgresqlProgram>);
}

export function toolPin(name: PinnedTool): ToolPin {
  return versions[pinOf(name)] as ToolPin;
}

export function pinnedVersion(name: PinnedTool): string {
  return toolPin(name).version;
}

export function installedOnFirstUse(name: PinnedTool): boolean {
  return toolPin(name).onFirstUse === true;
}

/**
 * Finds a tool at its pinned version. The installer writes a stamp only after the binary itself
 * reported that version, and records in it the binary's size, inode, mtime and ctime; comparing those
 * costs one stat, where a `--version` call costs seconds (checkov) and a sha256 of kyverno's 265 MB most
 * of one. A binary replaced or rewritten since gets a new inode or ctime, which no user can set back.
 */
export function resolveTool(root: string, name: ToolName): ResolvedTool {
  if (name === 'terraform') return resolveTerraform();
  const dir = toolsDir(root);
  const expected = pinnedVersion(name);
  const install = installedOnFirstUse(name)
    ? `run \`bash scripts/install-tools.sh ${name}\` (the console's specs and \`npm run console\` run it on first use)`
    : `run \`npm run setup\`, or just this tool: \`bash scripts/install-tools.sh ${name}\``;
  const binary = path.join(dir, 'bin', name);
  if (!isExecutable(binary)) {
    return { ok: false, name, message: `not installed (expected ${expected} at ${binary}); ${install}` };
  }
  const [stamped, recorded] = readStamp(path.join(dir, 'stamps', name));
  if (stamped !== expected) {
    const found = stamped ? `version ${stamped}` : 'an unknown version';
    return { ok: false, name, message: `${binary} is ${found}, pinned is ${expected}; ${install}` };
  }
  if (!recorded) return { ok: false, name, message: `${binary} has no record of the binary it was installed as (an older installer stamped it); ${install}` };
  if (recorded !== binaryRecord(binary)) return { ok: false, name, message: `${binary} changed since it was installed; ${install}` };
  return { ok: true, name, path: binary, version: expected };
}

export type ResolvedPostgresql =
  | ({ ok: true; version: string; /** The directory holding all four programs. */ binDir: string } & Record<PostgresqlProgram, string>)
  | { ok: false; message: string };

/**
 * PostgreSQL's server and client programs at the pinned version, for specs that start a real server. The
 * programs refuse to run as root: start them as an unprivileged user (docs/toolchain.md says how).
 */
export function resolvePostgresql(root: string): ResolvedPostgresql {
  const resolved = POSTGRESQL_PROGRAMS.map((name) => resolveTool(root, name));
  const problems = resolved.flatMap((tool) => (tool.ok ? [] : [`${tool.name}: ${tool.message}`]));
  if (problems.length) return { ok: false, message: `PostgreSQL ${pinnedVersion('postgres')} is not usable: ${problems.join('; ')}` };
  const paths = Object.fromEntries(resolved.map((tool) => [tool.name, tool.ok ? tool.path : ''])) as Record<PostgresqlProgram, string>;
  return { ok: true, version: pinnedVersion('postgres'), binDir: path.dirname(paths.postgres), ...paths };
}

/**
 * What the installer records of a binary, as `stat -L -c '%s %i %.9Y %.9Z'` prints it: size, inode, mtime and
 * ctime of the file itself, through the link in `bin/` for gitea and chromium.
 */
function binaryRecord(file: string): string {
  const { size, ino, mtimeNs, ctimeNs } = statSync(file, { bigint: true });
  const seconds = (ns: bigint) => `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
  return `${size} ${ino} ${seconds(mtimeNs)} ${seconds(ctimeNs)}`;
}

function resolveTerraform(): ResolvedTool {
  const found = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'terraform'))
    .find(isExecutable);
  if (!found) {
    return { ok: false, name: 'terraform', message: 'terraform is not on PATH (no registry here serves it; use a machine image that carries it)' };
  }
  try {
    const report = JSON.parse(execFileSync(found, ['version', '-json'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })) as { terraform_version?: string };
    return { ok: true, name: 'terraform', path: found, version: report.terraform_version ?? 'unknown' };
  } catch (error) {
    return { ok: false, name: 'terraform', message: `${found} did not answer \`terraform version -json\`: ${(error as Error).message}` };
  }
}

export type ResolvedProviderMirror =
  | { ok: true; dir: string; version: string; /** The pinned version, or an older admitted one. */ admitted: boolean }
  | { ok: false; message: string };

/** Filesystem mirrors searched in order after `$MR_TF_PLUGIN_DIR`: where machine images and Terraform's own defaults put them. */
const PROVIDER_MIRRORS = ['/opt/tf-plugins', path.join(homedir(), '.terraform.d', 'plugins'), '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins'];

/**
 * A filesystem mirror holding the AWS provider the stacks pin, or one the pin admits for validation
 * (`versions.json`). Like terraform itself it is never downloaded: no registry here serves it.
 */
export function resolveAwsProviderMirror(): ResolvedProviderMirror {
  const pin = versions['terraform-aws-provider'];
  const wanted = [pin.version, ...pin.admittedForValidation];
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const dirs = [...(process.env.MR_TF_PLUGIN_DIR ? [path.resolve(process.env.MR_TF_PLUGIN_DIR)] : []), ...PROVIDER_MIRRORS];
  for (const version of wanted) {
    for (const dir of dirs) {
      const folder = path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws', version, platform);
      const binary = safeReaddir(folder).find((file) => file.startsWith('terraform-provider-aws_'));
      if (binary && isExecutable(path.join(folder, binary))) return { ok: true, dir, version, admitted: version !== pin.version };
    }
  }
  return {
    ok: false,
    message:
      `no filesystem mirror of the AWS provider ${wanted.join(' or ')} for ${platform} in ${dirs.join(', ')}; ` +
      `put one at <dir>/registry.terraform.io/hashicorp/aws/<version>/${platform}/terraform-provider-aws_v<version>_x5 and set MR_TF_PLUGIN_DIR=<dir>`,
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A stamp's version line and its binary record (absent in stamps written before binaries were recorded). */
function readStamp(file: string): [version?: string, record?: string] {
  try {
    const [version, record] = readFileSync(file, 'utf8').trim().split('\n');
    return [version?.trim(), record?.trim()];
  } catch {
    return [];
  }
}
