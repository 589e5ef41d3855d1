import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGenerated } from '../modules/generated-dir';
import { formatLocated, imageOf, loadModel, releasesYaml, type Release } from '../schemas';
import { synthOutputs } from '../modules/outputs';
import { blocking, loadPolicyEngine } from '../policies/engine/engine';
import { judgeWorkingTree } from '../policies/engine/judge';
import { commitAll, edit, exampleRepo, put, REPO_ROOT } from './helpers/example-repo';
import { startPrometheus, unreachableUrl, type PrometheusServer } from './helpers/prometheus';

const REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api';
const OLD = 'sha256:9f2b6c1e4d8a7b3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5';
const NEW = `sha256:${'a1'.repeat(32)}`;
const OTHER = `sha256:${'b2'.repeat(32)}`;

/** What Argo Rollouts' controller exports for the app's Rollout, scraped with honor_labels. */
const rollout = (phase: string) => `rollout_info{namespace="orders-api",name="orders-api",phase="${phase}",strategy="canary",traffic_router="ALB"} 1`;
/** What kube-state-metrics exports for each pod of the app, one pod per digest. */
const pods = (...digests: string[]) =>
  digests.map(
    (digest, i) =>
      `kube_pod_container_info{namespace="orders-api",pod="orders-api-${i}",container="orders-api",image_spec="${REPOSITORY}@${digest}",image="${REPOSITORY}@${digest}",image_id="${REPOSITORY}@${digest}",container_id="containerd://${i}",uid="uid-${i}"} 1`,
  );

/** Every region's Prometheus a test may point at, started once: each one is a state of a rollout. */
const FIXTURES = {
  healthy: [rollout('Completed'), ...pods(NEW, NEW, NEW)],
  // The same healthy state scraped without honor_labels: the exporters' clashing labels become exported_*.
  healthyExported: [
    'rollout_info{namespace="argo-rollouts",exported_namespace="orders-api",name="orders-api",phase="Completed",strategy="canary"} 1',
    ...[0, 1].map((i) => `kube_pod_container_info{namespace="monitoring",pod="kube-state-metrics-0",container="kube-state-metrics",exported_namespace="orders-api",exported_pod="orders-api-${i}",exported_container="orders-api",image_spec="${REPOSITORY}@${NEW}"} 1`),
  ],
  progressing: [rollout('Progressing'), ...pods(NEW, OLD, OLD)],
  aborted: [rollout('Abort'), ...pods(OLD, OLD, OLD)],
  stale: [rollout('Completed'), ...pods(OLD, OLD, OLD)],
  empty: ['up{job="prometheus"} 1'],
};
let prometheus: Record<keyof typeof FIXTURES, PrometheusServer>;

beforeAll(async () => {
  const entries = await Promise.all(Object.entries(FIXTURES).map(async ([name, series]) => [name, await startPrometheus(series)] as const));
  prometheus = Object.fromEntries(entries) as typeof prometheus;
});
afterAll(async () => {
  await Promise.all(Object.values(prometheus ?? {}).map((server) => server.stop()));
});

interface Setup {
  releases?: Release[];
  /** Prometheus URLs per region; unset regions point at a port nothing listens on, so an unexpected query fails. */
  west?: string;
  east?: string;
}

async function repo({ releases, west, east }: Setup): Promise<string> {
  const root = await exampleRepo();
  await edit(root, 'regions/us-west-2.ts', 'https://prometheus-usw2.example.com', west ?? (await unreachableUrl()));
  await edit(root, 'regions/us-east-1.ts', 'https://prometheus-use1.example.com', east ?? (await unreachableUrl()));
  if (releases) await put(root, 'apps/releases.yaml', releasesYaml(releases));
  return root;
}

async function promote(root: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'promote', ...args, '--root', root]);
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** The image each region's manifests render, as the Kubernetes chart reads it. */
async function images(root: string): Promise<Record<string, string>> {
  const { model } = await loadModel(root);
  const app = model!.apps.find((candidate) => candidate.name === 'orders-api')!;
  return Object.fromEntries(model!.regions.map((region) => [region.id, imageOf(model!, app, region)]));
}

async function releasesOf(root: string): Promise<unknown> {
  return parse(await readFile(path.join(root, 'apps/releases.yaml'), 'utf8'));
}

/** Everything a promotion may write. */
async function snapshot(root: string) {
  const read = (file: string) => readFile(path.join(root, file), 'utf8');
  return { releases: await read('apps/releases.yaml'), app: await read('apps/orders-api.ts'), generated: await readGenerated(root) };
}

const inFlight = (regions: string[], digest = NEW): Release => ({ app: 'orders-api', digest, regions, startedBy: '@example-org/orders-team' });

describe('npm run promote', () => {
  it('starts a release on the first wave only, without asking any Prometheus', async () => {
    const root = await repo({});
    const run = await promote(root, 'orders-api', NEW, '--by', '@example-org/orders-team');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`promote: orders-api ${NEW}: wave 1 of 2 switched (us-west-2); not yet switched: us-east-1 (on ${REPOSITORY}@${OLD})`);
    expect(run.stdout).toContain('  ~ apps/releases.yaml');
    expect(run.stdout).not.toContain('generated/k8s/us-east-1/');
    expect(run.stdout).toContain(`Wave 2 (us-east-1) waits until that rollout is healthy: then run \`npm run promote -- orders-api ${NEW}\` again.`);
    expect(await releasesOf(root)).toEqual({ releases: [inFlight(['us-west-2'])] });
    expect(await images(root)).toEqual({ 'us-east-1': `${REPOSITORY}@${OLD}`, 'us-west-2': `${REPOSITORY}@${NEW}` });
  });

  it('switches the next wave once the previous wave reports a Completed rollout on the new digest', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2'])], west: prometheus.healthy.url });
    const run = await promote(root, 'orders-api', NEW);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  healthy: us-west-2 (${prometheus.healthy.url}): Rollout orders-api Completed; all 3 pods run @${NEW}`);
    expect(run.stdout).toContain(`promote: orders-api ${NEW}: wave 2 of 2 switched (us-east-1)\n`);
    expect(run.stdout).toContain('Closing the release waits until that rollout is healthy');
    expect(await releasesOf(root)).toEqual({
      releases: [{ ...inFlight(['us-west-2', 'us-east-1']), barriers: [{ wave: 2, digest: NEW, checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), regions: { 'us-west-2': `Rollout orders-api Completed; all 3 pods run @${NEW}` } }] }],
    });
    expect(await images(root)).toEqual({ 'us-east-1': `${REPOSITORY}@${NEW}`, 'us-west-2': `${REPOSITORY}@${NEW}` });
  });

  it('finishes after the last wave: the app file pins the new digest and no release remains', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2', 'us-east-1'])], west: prometheus.healthy.url, east: prometheus.healthyExported.url });
    const run = await promote(root, 'orders-api', NEW);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  healthy: us-east-1 (${prometheus.healthyExported.url}): Rollout orders-api Completed; all 2 pods run @${NEW}`);
    expect(run.stdout).toContain(`promote: orders-api ${NEW}: every wave is healthy; apps/orders-api.ts now pins it and the release is closed`);
    expect(run.stdout).toContain('  ~ apps/orders-api.ts');
    const app = await readFile(path.join(root, 'apps/orders-api.ts'), 'utf8');
    expect(app).toContain(`image: '${REPOSITORY}@${NEW}',`);
    expect(app).not.toContain(OLD);
    expect(await readFile(path.join(root, 'apps/releases.yaml'), 'utf8')).toBe(await readFile(path.join(REPO_ROOT, 'apps/releases.yaml'), 'utf8'));
    expect(await images(root)).toEqual({ 'us-east-1': `${REPOSITORY}@${NEW}`, 'us-west-2': `${REPOSITORY}@${NEW}` });
  });

  it.each([
    ['the rollout is still progressing', 'progressing', ['Rollout orders-api is Progressing, expected Completed (rollout_info phase)', `2 of 3 pods do not run @${NEW}: orders-api-1 (${REPOSITORY}@${OLD}), orders-api-2`]],
    ['the rollout was aborted', 'aborted', ['Rollout orders-api is Abort, expected Completed', `3 of 3 pods do not run @${NEW}`]],
    ['the pods still run the old digest', 'stale', [`3 of 3 pods do not run @${NEW}: orders-api-0 (${REPOSITORY}@${OLD})`]],
    ['Prometheus has no data for the app', 'empty', ['no rollout_info series for Rollout orders-api in namespace orders-api', 'no kube_pod_container_info series for container orders-api in namespace orders-api']],
  ] as const)('refuses the next wave while %s, and changes nothing', async (_, fixture, problems) => {
    const root = await repo({ releases: [inFlight(['us-west-2'])], west: prometheus[fixture].url });
    const before = await snapshot(root);
    const run = await promote(root, 'orders-api', NEW);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`promote: barrier not met, nothing changed: orders-api ${NEW} must be rolled out healthily in us-west-2 first`);
    expect(run.stderr).toContain(`  NOT healthy: us-west-2 (${prometheus[fixture].url}): `);
    for (const problem of problems) expect(run.stderr).toContain(problem);
    expect(await snapshot(root)).toEqual(before);
  });

  it('fails closed when a region’s Prometheus is unreachable, naming its URL', async () => {
    const down = await unreachableUrl();
    const root = await repo({ releases: [inFlight(['us-west-2'])], west: down });
    const before = await snapshot(root);
    const run = await promote(root, 'orders-api', NEW);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`  NOT healthy: us-west-2 (${down}): Prometheus at ${down} is unreachable (connect ECONNREFUSED`);
    expect(await snapshot(root)).toEqual(before);
  });

  it('refuses another digest while a release is in flight, naming it and how to abandon it', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2'])] });
    const before = await snapshot(root);
    const run = await promote(root, 'orders-api', OTHER);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `promote: refused: orders-api is being promoted to ${NEW} (switched: us-west-2; started by @example-org/orders-team). ` +
        `Finish it with \`npm run promote -- orders-api ${NEW}\`, or abandon it with \`npm run promote -- orders-api --abandon\`, before promoting ${OTHER}\n`,
    );
    expect(await snapshot(root)).toEqual(before);
  });

  it('abandons the release in flight: its regions go back to the app image', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2'])] });
    const run = await promote(root, 'orders-api', '--abandon');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`promote: orders-api ${NEW}: release abandoned; back to ${REPOSITORY}@${OLD} in us-west-2`);
    expect(await releasesOf(root)).toEqual({ releases: [] });
    expect(await images(root)).toEqual({ 'us-east-1': `${REPOSITORY}@${OLD}`, 'us-west-2': `${REPOSITORY}@${OLD}` });
  });

  it('prints the step and writes nothing on --dry-run', async () => {
    const root = await repo({});
    const before = await snapshot(root);
    const run = await promote(root, 'orders-api', NEW, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`promote (dry run): orders-api ${NEW}: wave 1 of 2 switched (us-west-2)`);
    expect(run.stdout).toContain('  ~ apps/releases.yaml');
    expect(run.stdout).toMatch(/nothing written \(dry run\)\n$/);
    expect(await snapshot(root)).toEqual(before);
  });

  it.each([
    ['an unknown app', ['billing-api', NEW], '<app>: expected an app defined in apps/ (orders-api), got "billing-api"'],
    ['a short digest', ['orders-api', 'sha256:9f2b'], '<digest>: expected sha256: followed by 64 lower-case hex digits, got "sha256:9f2b"'],
    ['a tag instead of a digest', ['orders-api', 'v1.4.2'], '<digest>: expected sha256: followed by 64 lower-case hex digits, got "v1.4.2"'],
    ['no digest', ['orders-api'], '<digest>: expected sha256: followed by 64 lower-case hex digits, got nothing'],
    ['no app', [], '<app>: expected an app name, got nothing'],
    ['a --by that is no GitHub handle', ['orders-api', NEW, '--by', 'alice'], '--by: expected a GitHub handle like @org/team or @user, got "alice"'],
  ])('exits 2 with the expectation on %s', async (_, args, message) => {
    const root = await repo({});
    const run = await promote(root, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`promote: ${message}\nusage: npm run promote -- <app> <sha256:digest>`);
  });
});

describe('the release barrier in review', () => {
  /** The policies' judgement of the working tree as a change from the committed base, as the policy gate gives it in pull-request CI. */
  async function judgeFromBase(root: string) {
    const load = await loadModel(root);
    if (load.errors) throw new Error(load.errors.map(formatLocated).join('\n'));
    const head = { model: load.model, sources: load.sources, files: synthOutputs(load.model), waivers: [] };
    return (await judgeWorkingTree(await loadPolicyEngine(root), root, head, { base: 'main', now: new Date('2026-11-20T12:00:00Z') })).report;
  }

  it('accepts a second wave that npm run promote switched after the barrier', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2'])], west: prometheus.healthy.url });
    commitAll(root);
    expect((await promote(root, 'orders-api', NEW)).code).toBe(0);
    const report = await judgeFromBase(root);
    expect(report.findings.map((finding) => finding.policy)).not.toContain('change.release-barrier-skipped');
    expect(report.classification.reasons.map((reason) => reason.rule)).not.toContain('release-barrier-skipped');
  });

  it('flags a second wave added to apps/releases.yaml by hand, and makes the change CAB-required', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2'])] });
    commitAll(root);
    await put(root, 'apps/releases.yaml', releasesYaml([inFlight(['us-west-2', 'us-east-1'])]));
    const report = await judgeFromBase(root);
    const barrier = blocking(report).filter((finding) => finding.policy === 'change.release-barrier-skipped');
    expect(barrier.map((finding) => `${finding.policy} ${finding.location.file}: ${finding.location.path}: ${finding.message}`)).toEqual([
      `change.release-barrier-skipped apps/releases.yaml: releases[0].regions: release of orders-api ${NEW} switched wave 2 (us-east-1) without a barrier record; expected a barriers entry with wave 2 giving the healthy rollout in us-west-2, as npm run promote writes it`,
    ]);
    expect(report.classification).toMatchObject({ class: 'cab-required', rule: 'release-barrier-skipped' });
  });

  it('accepts the image change with which npm run promote finishes a release that switched every wave', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2', 'us-east-1'])], west: prometheus.healthy.url, east: prometheus.healthy.url });
    commitAll(root);
    expect((await promote(root, 'orders-api', NEW)).code).toBe(0);
    const report = await judgeFromBase(root);
    expect(report.findings.filter((finding) => finding.location.path === 'image')).toEqual([]);
    expect(report.classification.reasons.map((reason) => reason.rule)).not.toContain('release-barrier-skipped');
  });

  it('flags an image digest edited in the app file by hand, which would switch every region at once, and makes the change CAB-required', async () => {
    const root = await repo({});
    commitAll(root);
    await edit(root, 'apps/orders-api.ts', OLD, NEW);
    const report = await judgeFromBase(root);
    expect(blocking(report).map((finding) => `${finding.policy} ${finding.location.file}: ${finding.location.path}`)).toEqual(['change.release-barrier-skipped apps/orders-api.ts: image']);
    expect(report.classification).toMatchObject({ class: 'cab-required', rule: 'release-barrier-skipped' });
  });

  it('leaves a barrier skipped on the base to the change that made it: a later change is judged by its own rules', async () => {
    const root = await repo({ releases: [inFlight(['us-west-2', 'us-east-1'])] });
    commitAll(root);
    await put(root, 'notes.md', 'Release notes.\n');
    const report = await judgeFromBase(root);
    expect(report.classification.reasons.map((reason) => reason.rule)).not.toContain('release-barrier-skipped');
  });
});
