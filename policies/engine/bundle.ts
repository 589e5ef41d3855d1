import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { stableJson } from '../../schemas';
import { tarFiles } from './tar';

/** Rego sources: one folder per policy, plus the shared library, the derived models and main.rego. */
export const POLICY_SOURCE_DIR = 'policies/opa';
/** Built by `npm run policies:build`, committed so the console evaluates without the OPA CLI, drift-checked by the opa gate. */
export const BUNDLE_DIR = 'policies/bundle';
export const WASM_FILE = 'policy.wasm';
export const METADATA_FILE = 'metadata.json';
/** The one entrypoint: findings with waivers applied, resilience figures and the change classification. */
export const ENTRYPOINT = 'multiregion/main/report';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface PolicyMetadata {
  id: string;
  title: string;
  /** Why the rule exists: the annotation's description. */
  rationale: string;
  severity: Severity;
  remediation: string;
  /** The Rego file, repository-relative. */
  file: string;
}

const run = promisify(execFile);

/**
 * Compiles the Rego sources with the pinned OPA CLI into the files of `policies/bundle/`: the wasm
 * module and the policies' metadata. Throws with every problem found when the sources are not a valid
 * set of policies. Deterministic: the same sources and OPA version give the same bytes.
 */
export async function buildPolicyBundle(root: string, opa: string): Promise<Map<string, string | Uint8Array>> {
  const sources = path.join(root, POLICY_SOURCE_DIR);
  const scratch = await mkdtemp(path.join(tmpdir(), 'policy-bundle-'));
  try {
    const capabilities = path.join(scratch, 'capabilities.json');
    await writeFile(capabilities, await wasmCapabilities(opa));
    const tarball = path.join(scratch, 'bundle.tar.gz');
    await opaCommand(opa, ['build', '--target', 'wasm', '--entrypoint', ENTRYPOINT, '--capabilities', capabilities, '--ignore', '*_test.rego', '--output', tarball, sources], root);
    const wasm = tarFiles(gunzipSync(await readFile(tarball))).get(WASM_FILE);
    if (!wasm) throw new Error(`opa build produced no ${WASM_FILE}`);
    const metadata = await policyMetadata(root, opa);
    return new Map<string, string | Uint8Array>([
      [METADATA_FILE, stableJson(metadata)],
      [WASM_FILE, new Uint8Array(wasm)],
    ]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function opaCommand(opa: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(opa, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`opa ${args[0]} failed:\n${(failure.stderr || failure.stdout || failure.message).trim()}`);
  }
}

/**
 * The OPA CLI's own capabilities, narrowed to the builtins the wasm SDK implements, so a policy that
 * calls anything else fails to build instead of failing at evaluation time in the console.
 */
async function wasmCapabilities(opa: string): Promise<string> {
  const current = JSON.parse(await opaCommand(opa, ['capabilities', '--current'], process.cwd())) as { builtins: Array<{ name: string }> };
  // The SDK ships capabilities.json beside src/ but does not export it.
  const sdkFile = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@open-policy-agent/opa-wasm')), '..', 'capabilities.json');
  const sdk = JSON.parse(await readFile(sdkFile, 'utf8')) as { builtins: Array<{ name: string }> };
  const supported = new Set(sdk.builtins.map((builtin) => builtin.name));
  return JSON.stringify({ ...current, builtins: current.builtins.filter((builtin) => supported.has(builtin.name)) });
}

interface Annotation {
  annotations: { scope: string; title?: string; description?: string; custom?: Record<string, unknown> };
  location: { file: string };
  path: Array<{ value: string }>;
}

/** Metadata of every policy from its `# METADATA` block; a policy without complete metadata fails the build. */
async function policyMetadata(root: string, opa: string): Promise<PolicyMetadata[]> {
  const report = JSON.parse(await opaCommand(opa, ['inspect', '--annotations', '--format', 'json', POLICY_SOURCE_DIR], root)) as {
    namespaces?: Record<string, string[]>;
    annotations?: Annotation[];
  };
  const problems: string[] = [];
  const policies: PolicyMetadata[] = [];
  const annotated = new Map((report.annotations ?? []).filter((a) => a.annotations.scope === 'package').map((a) => [a.path.map((p) => p.value).join('.'), a]));
  for (const [namespace, files] of Object.entries(report.namespaces ?? {})) {
    const match = /^data\.multiregion\.policies\.([a-z0-9_]+)\.([a-z0-9_]+)$/.exec(namespace);
    if (!match || files.every((file) => file.endsWith('_test.rego'))) continue;
    const [group, name] = [match[1]!.replaceAll('_', '-'), match[2]!.replaceAll('_', '-')];
    const id = `${group}.${name}`;
    const expectedFile = `${POLICY_SOURCE_DIR}/${group}/${name}/policy.rego`;
    const file = files.map((f) => path.relative(root, path.resolve(root, f))).find((f) => !f.endsWith('_test.rego'));
    if (file !== expectedFile) problems.push(`${namespace}: expected it in ${expectedFile}, found in ${files.join(', ')}`);
    const annotation = annotated.get(namespace)?.annotations;
    const severity = annotation?.custom?.severity;
    const remediation = annotation?.custom?.remediation;
    const missing = [
      !annotation?.title && 'title',
      !annotation?.description && 'description (the rationale)',
      !SEVERITIES.includes(severity as Severity) && `custom.severity (one of ${SEVERITIES.join(', ')})`,
      typeof remediation !== 'string' && 'custom.remediation',
    ].filter(Boolean);
    if (missing.length) problems.push(`${expectedFile}: expected a package METADATA block with ${missing.join(', ')}`);
    else policies.push({ id, title: annotation!.title!, rationale: annotation!.description!, severity: severity as Severity, remediation: remediation as string, file: expectedFile });
  }
  if (problems.length) throw new Error(`the policies are not a valid set:\n${problems.join('\n')}`);
  return policies.sort((a, b) => a.id.localeCompare(b.id));
}
