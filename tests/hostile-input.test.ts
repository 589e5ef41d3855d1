import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readGenerated } from '../modules/generated-dir';
import { synth } from '../modules/synth';
import { CHECKOV_SKIPS_FILE, formatLocated, GLOBAL_FILE, loadCheckovSkips, loadModel, loadWaivers, RELEASES_FILE, REPLICATION_RULES_FILE, WAIVERS_FILE, type Located } from '../schemas';
import { exampleRepo, modelAt, REPO_ROOT, removeScratchRepos } from './helpers/example-repo';

/**
 * What someone with push access to a branch could write into a free-text field to change the meaning
 * of the output: a Terraform interpolation, a second CODEOWNERS owner, a tag that overrides a computed
 * one, a line break into a report table, a look-alike letter. Each must be refused by the loader with
 * the file and the path of the field, before anything is synthesized.
 */

const REGION = 'regions/us-west-2.ts';
const APP = 'apps/orders-api.ts';
const CLUSTER_POLICY = 'policies/kyverno/disallow-host-path/policy.yaml';
/** JSON string syntax is valid in TypeScript and in YAML's double-quoted scalars, escapes included. */
const literal = (value: string) => JSON.stringify(value);
const FILE_READ = '${file("/etc/hostname")}';
const DIRECTIVE = '%{ if true }x%{ endif }';
const CYRILLIC_A = '\u0430';
const FULLWIDTH_J = '\uff4a';

const residencyTag = (key: string, value: string) => ({ file: REGION, from: "tags: { jurisdiction: 'us' }", to: `tags: { ${literal(key)}: ${literal(value)} }` });
const ownerRule = (value: string) => ({ file: GLOBAL_FILE, from: '  - path: /regions/\n', to: `  - path: ${literal(value)}\n` });
const platformOwner = (value: string) => ({ file: GLOBAL_FILE, from: 'owners: ["@example-org/platform"]', to: `owners: [${literal(value)}]` });
const freezeReason = (value: string) => ({ file: GLOBAL_FILE, from: /reason: Black Friday.*\n/, to: `reason: ${literal(value)}\n` });
const backupSchedule = (value: string) => ({ file: GLOBAL_FILE, from: 'schedule: cron(0 5 ? * * *)', to: `schedule: ${literal(value)}` });
const featureFlag = (name: string) => ({ file: APP, from: "'crdt-carts': false", to: `${literal(name)}: false` });
const release = (startedBy: string) => ({
  file: RELEASES_FILE,
  from: 'releases: []',
  to: `releases:\n  - app: orders-api\n    digest: sha256:${'ab'.repeat(32)}\n    regions: [us-west-2]\n    startedBy: ${literal(startedBy)}`,
});

interface Case {
  refuses: string;
  file: string;
  from: string | RegExp;
  to: string;
  /** The one location every error of the case points at. */
  path: string;
  /** Part of the expectation the error states. */
  expected: string;
}

const modelCases: Case[] = [
  { refuses: 'a Terraform interpolation in a tag value', ...residencyTag('jurisdiction', FILE_READ), path: 'residency.tags.jurisdiction', expected: 'an AWS tag value of ASCII letters' },
  { refuses: 'a Terraform template directive in a tag value', ...residencyTag('jurisdiction', DIRECTIVE), path: 'residency.tags.jurisdiction', expected: 'an AWS tag value of ASCII letters' },
  { refuses: 'a Terraform interpolation in a tag key', ...residencyTag('${path.cwd}', 'us'), path: 'residency.tags.${path.cwd}', expected: 'an AWS tag key of ASCII letters' },
  { refuses: 'a tag overriding the computed project tag', ...residencyTag('project', 'other'), path: 'residency.tags.project', expected: 'a tag key other than the computed ones' },
  { refuses: 'a tag overriding the computed managed-by tag in another letter case', ...residencyTag('Managed-By', 'hand'), path: 'residency.tags.Managed-By', expected: 'a tag key other than the computed ones' },
  { refuses: 'a tag key that reads as a computed key but for a trailing space', ...residencyTag('project ', 'other'), path: 'residency.tags["project "]', expected: 'without leading or trailing spaces' },
  { refuses: 'a tag key with the reserved aws: prefix', ...residencyTag('aws:cloudformation:stack-name', 'x'), path: 'residency.tags.aws:cloudformation:stack-name', expected: 'without the reserved "aws:" prefix' },
  { refuses: 'a tag value with the reserved aws: prefix in upper case', ...residencyTag('jurisdiction', 'AWS:us'), path: 'residency.tags.jurisdiction', expected: 'without the reserved "aws:" prefix' },
  { refuses: 'a tag value over 256 characters', ...residencyTag('jurisdiction', 'u'.repeat(257)), path: 'residency.tags.jurisdiction', expected: 'an AWS tag value of at most 256 characters' },
  { refuses: 'a tag key over 128 characters', ...residencyTag('k'.repeat(129), 'us'), path: `residency.tags.${'k'.repeat(129)}`, expected: 'an AWS tag key of 1..128 characters' },
  { refuses: 'a tag value with a line break', ...residencyTag('jurisdiction', 'us\nproject = other'), path: 'residency.tags.jurisdiction', expected: 'an AWS tag value of ASCII letters' },
  { refuses: 'a tag value with a Cyrillic look-alike letter', ...residencyTag('jurisdiction', `c${CYRILLIC_A}lifornia`), path: 'residency.tags.jurisdiction', expected: 'an AWS tag value of ASCII letters' },
  { refuses: 'a tag key with a fullwidth look-alike letter', ...residencyTag(`${FULLWIDTH_J}urisdiction`, 'us'), path: 'residency.tags["\\uff4aurisdiction"]', expected: 'an AWS tag key of ASCII letters' },
  {
    refuses: 'more tags than AWS allows beside the computed ones',
    file: REGION,
    from: "tags: { jurisdiction: 'us' }",
    to: `tags: { ${Array.from({ length: 41 }, (_, n) => `t${n}: 'x'`).join(', ')} }`,
    path: 'residency.tags',
    expected: 'at most 40 tags',
  },
  { refuses: 'a Terraform interpolation in the health check path', file: REGION, from: "path: '/healthz'", to: `path: ${literal(`/healthz/${FILE_READ}`)}`, path: 'healthCheck.path', expected: 'an absolute HTTP path' },
  { refuses: 'a health check path over 255 characters', file: REGION, from: "path: '/healthz'", to: `path: ${literal(`/${'h'.repeat(255)}`)}`, path: 'healthCheck.path', expected: 'at most 255 characters' },

  { refuses: 'a CODEOWNERS pattern with a space that adds an owner', ...ownerRule('/policies/ @attacker'), path: 'owners[1].path', expected: 'one CODEOWNERS pattern' },
  { refuses: 'a CODEOWNERS pattern with a line break that adds a rule', ...ownerRule('/regions/\n/policies/ @attacker'), path: 'owners[1].path', expected: 'one CODEOWNERS pattern' },
  { refuses: 'a CODEOWNERS pattern with # that comments out the owners', ...ownerRule('/regions/#'), path: 'owners[1].path', expected: 'one CODEOWNERS pattern' },
  { refuses: 'a negated CODEOWNERS pattern GitHub does not support', ...ownerRule('!/regions/'), path: 'owners[1].path', expected: 'one CODEOWNERS pattern' },
  { refuses: 'a CODEOWNERS pattern with a control character', ...ownerRule('/regions/\u0000'), path: 'owners[1].path', expected: 'one CODEOWNERS pattern' },
  { refuses: 'a CODEOWNERS pattern over 255 characters', ...ownerRule(`/${'r'.repeat(255)}`), path: 'owners[1].path', expected: 'at most 255 characters' },
  { refuses: 'an owner that smuggles in a second handle', ...platformOwner('@example-org/platform @attacker'), path: 'owners[0].owners[0]', expected: 'a GitHub handle' },
  { refuses: 'an owner with a Cyrillic look-alike letter', ...platformOwner(`@ex${CYRILLIC_A}mple-org/platform`), path: 'owners[0].owners[0]', expected: 'a GitHub handle' },
  { refuses: 'a user handle longer than GitHub allows', ...platformOwner(`@${'a'.repeat(40)}`), path: 'owners[0].owners[0]', expected: 'a GitHub handle' },
  { refuses: 'a user handle with a leading hyphen', ...platformOwner('@-platform'), path: 'owners[0].owners[0]', expected: 'a GitHub handle' },
  { refuses: 'an owner too long for the owner label of the manifests', ...platformOwner(`@example-org/${'t'.repeat(52)}`), path: 'owners[0].owners[0]', expected: 'it becomes a Kubernetes label value' },
  { refuses: 'a Terraform interpolation in the backup schedule', ...backupSchedule(`cron(${FILE_READ} 5 ? * * *)`), path: 'infrastructure.backup.schedule', expected: 'an AWS cron expression' },
  { refuses: 'a Terraform template directive after the backup schedule', ...backupSchedule(`cron(0 5 ? * * *)${DIRECTIVE}`), path: 'infrastructure.backup.schedule', expected: 'an AWS cron expression' },
  { refuses: 'a freeze reason with a line break into the report table', ...freezeReason('Peak season.\n| injected | row |'), path: 'changeFreezes[0].reason', expected: 'on one line' },
  { refuses: 'a freeze reason with a right-to-left override', ...freezeReason('Peak season \u202eyad yreve'), path: 'changeFreezes[0].reason', expected: 'without control or invisible characters' },
  { refuses: 'a freeze reason over 500 characters', ...freezeReason('Peak season. '.repeat(40)), path: 'changeFreezes[0].reason', expected: 'at most 500 characters' },
  { refuses: 'a CI repository with a wildcard the OIDC trust would match', file: GLOBAL_FILE, from: 'ciRepository: example-org/orders-gitops', to: 'ciRepository: "example-org/*"', path: 'infrastructure.ciRepository', expected: 'a GitHub repository' },
  { refuses: 'an Argo CD revision that climbs out of refs', file: GLOBAL_FILE, from: 'targetRevision: main', to: 'targetRevision: ../main', path: 'delivery.targetRevision', expected: 'a branch name' },

  { refuses: 'a feature flag name that is no ConfigMap key', ...featureFlag('crdt carts'), path: 'featureFlags["crdt carts"]', expected: 'a lower-case flag name' },
  { refuses: 'a feature flag name with a Terraform interpolation', ...featureFlag('${x}'), path: 'featureFlags.${x}', expected: 'a lower-case flag name' },
  { refuses: 'a feature flag name too long for a ConfigMap key', ...featureFlag('f'.repeat(249)), path: `featureFlags.${'f'.repeat(249)}`, expected: 'a ConfigMap key holds 253' },
  { refuses: 'an app owner with a line break that adds a CODEOWNERS-like rule', file: APP, from: "owner: '@example-org/orders-team'", to: `owner: ${literal('@example-org/orders-team\n* @attacker')}`, path: 'owner', expected: 'a GitHub handle' },
  { refuses: 'a port name Kubernetes refuses', file: APP, from: "name: 'http'", to: "name: 'http-'", path: 'ports[0].name', expected: 'a port name' },
  { refuses: 'a probe path with a template directive', file: APP, from: "readiness: '/readyz'", to: `readiness: ${literal(`/readyz${DIRECTIVE}`)}`, path: 'probes.readiness', expected: 'an absolute HTTP path' },
  { refuses: 'a Kafka topic with a Terraform interpolation', file: REPLICATION_RULES_FILE, from: 'topics: [orders.created,', to: `topics: [${literal(`orders.${FILE_READ}`)},`, path: 'dataSets[1].topics[0]', expected: 'a Kafka topic name' },
  { refuses: 'a release started by two handles', ...release('@alice @mallory'), path: 'releases[0].startedBy', expected: 'a GitHub handle' },
  { refuses: 'a Kyverno rule name over 63 characters', file: CLUSTER_POLICY, from: '    - name: host-path\n', to: `    - name: ${'r'.repeat(64)}\n`, path: 'spec.rules[0].name', expected: 'at most 63 characters' },
];

const WAIVER = {
  policy: 'infrastructure.deletion-protection',
  target: { file: 'generated/terraform/us-west-2/cdk.tf.json', path: 'resource.aws_rds_cluster.scratch' },
  reason: 'Scratch cluster for the failover drill, recreated from a snapshot each month.',
  owner: '@example-org/dba',
  expires: '2027-01-31T00:00:00Z',
};
const waiver = (change: Partial<typeof WAIVER>) => ({ file: WAIVERS_FILE, from: 'waivers: []', to: `waivers: [${JSON.stringify({ ...WAIVER, ...change })}]` });
const firstSkip = (field: 'reason' | 'owner', value: string) => ({
  file: CHECKOV_SKIPS_FILE,
  from: field === 'owner' ? /(skips:\n(?:.*\n)*?)    owner: .*\n/ : /(skips:\n(?:.*\n)*?)    reason: >-\n(?: {6}.*\n)+/,
  to: `$1    ${field}: ${literal(value)}\n`,
});

const exceptionCases: Case[] = [
  { refuses: 'a waiver reason with a line break into the report table', ...waiver({ reason: 'Accepted for now.\n| waived | everything |' }), path: 'waivers[0].reason', expected: 'on one line' },
  { refuses: 'a waiver reason over 500 characters', ...waiver({ reason: 'Accepted. '.repeat(51) }), path: 'waivers[0].reason', expected: 'at most 500 characters' },
  { refuses: 'a waiver owner with a Cyrillic look-alike letter', ...waiver({ owner: `@ex${CYRILLIC_A}mple-org/dba` }), path: 'waivers[0].owner', expected: 'a GitHub handle' },
  { refuses: 'a waiver target file with a space', ...waiver({ target: { file: 'generated/terraform/us-west-2/cdk.tf.json generated/', path: '' } }), path: 'waivers[0].target.file', expected: 'printable ASCII without spaces' },
  { refuses: 'a checkov skip reason with a control character', ...firstSkip('reason', 'A key policy resource "*" means this key \u0007 and nothing else.'), path: 'skips[0].reason', expected: 'without control or invisible characters' },
  { refuses: 'a checkov skip owner with a fullwidth look-alike letter', ...firstSkip('owner', `@example-org/security${FULLWIDTH_J}`), path: 'skips[0].owner', expected: 'a GitHub handle' },
];

let root: string;
const originals = new Map<string, string>();

async function write(file: string, from: string | RegExp, to: string): Promise<void> {
  const target = path.join(root, file);
  const before = originals.get(file) ?? (await readFile(target, 'utf8'));
  originals.set(file, before);
  const after = before.replace(from, to);
  if (after === before) throw new Error(`edit of ${file} changed nothing: ${String(from)} not found`);
  await writeFile(target, after);
}

function expectLocatedAt(errors: readonly Located[], { file, path, expected }: Case): void {
  expect(errors.length, errors.map(formatLocated).join('\n')).toBeGreaterThan(0);
  expect(errors.map((error) => `${error.file}: ${error.path}`)).toEqual(errors.map(() => `${file}: ${path}`));
  expect(errors.map((error) => error.expected).join('\n')).toContain(expected);
  for (const error of errors) expect(formatLocated(error)).not.toContain('\n');
}

beforeAll(async () => {
  root = await exampleRepo();
});
afterEach(async () => {
  await Promise.all([...originals].map(([file, text]) => writeFile(path.join(root, file), text)));
  originals.clear();
});
afterAll(removeScratchRepos);

describe('hostile input', () => {
  it('leaves the example valid: it loads and synthesizes, its own tag beside the computed ones', async () => {
    const stack = JSON.parse(synth(await modelAt(root)).get('terraform/us-west-2/cdk.tf.json')!) as { provider: { aws: Array<{ default_tags: Array<{ tags: object }> }> } };
    expect(stack.provider.aws[0]!.default_tags).toEqual([
      { tags: { project: 'orders', stack: 'us-west-2', region: 'us-west-2', role: 'secondary', residency: 'us', 'managed-by': 'terraform', jurisdiction: 'us' } },
    ]);
  });

  it.each(modelCases)('refuses $refuses, at $file: $path, and synthesizes nothing', async (testCase) => {
    await write(testCase.file, testCase.from, testCase.to);
    const result = await loadModel(root);
    expect(result.model).toBeUndefined();
    expectLocatedAt(result.errors ?? [], testCase);
  });

  it.each(exceptionCases)('refuses $refuses, at $file: $path', async (testCase) => {
    await write(testCase.file, testCase.from, testCase.to);
    const { errors } = testCase.file === WAIVERS_FILE ? await loadWaivers(root) : await loadCheckovSkips(root);
    expectLocatedAt(errors, testCase);
  });

  it('stops npm run synth on the template injection of the issue, leaving generated/ as it was', async () => {
    const before = await readGenerated(root);
    await write(REGION, "tags: { jurisdiction: 'us' }", `tags: { jurisdiction: ${literal(FILE_READ)} }`);
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'synth', '--root', root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${REGION}: residency.tags.jurisdiction: expected an AWS tag value of ASCII letters, digits, spaces and _ . : / = + - @, got ${literal(FILE_READ)}`);
    expect(await readGenerated(root)).toEqual(before);
  });
});
