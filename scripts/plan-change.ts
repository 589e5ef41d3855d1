import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { synthOutputs } from '../modules/outputs';
import { changedFiles, loadRevision, RevisionError, summarizeChange } from '../policies/engine/change';
import { blocking, loadPolicyEngine, PolicyBundleError } from '../policies/engine/engine';
import { policyInput, type RegionHealth } from '../policies/engine/input';
import { FORMATS, render, type Format } from '../policies/engine/report-format';
import { repositoryPaths } from '../policies/gates/policy-gate';
import { formatLocated, loadModel, loadWaivers } from '../schemas';

// `npm run plan-change -- --base <ref>`: judges the working tree as a change from <ref> and writes the
// pull-request description: per-region changes, risk class, resilience before and after, policy results.
const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    format: { type: 'string', default: 'markdown' },
    out: { type: 'string' },
    health: { type: 'string' },
    now: { type: 'string' },
    root: { type: 'string' },
  },
});
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const format = values.format as Format;
if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
const now = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(now.getTime())) usage(`--now must be an ISO-8601 date-time, got ${JSON.stringify(values.now)}`);

const healthSchema = z.record(z.string(), z.enum(['healthy', 'failing']));
let health: Record<string, RegionHealth> = {};
if (values.health) {
  const parsed = healthSchema.safeParse(JSON.parse(await readFile(values.health, 'utf8')));
  if (!parsed.success) usage(`--health must name a JSON file like {"us-east-1": "failing"}: ${parsed.error.issues[0]?.message}`);
  health = parsed.data!;
}

const head = await loadModel(root);
const waivers = await loadWaivers(root);
const inputErrors = [...(head.errors ?? []), ...waivers.errors];
if (head.errors || waivers.errors.length) {
  console.error(`plan-change: the working tree's inputs do not load:\n${inputErrors.map((e) => `  ${formatLocated(e)}`).join('\n')}`);
  process.exit(1);
}

try {
  const engine = await loadPolicyEngine(root);
  const headFiles = synthOutputs(head.model);
  const paths = await repositoryPaths(root, headFiles.keys());
  const base = values.base ? await loadRevision(root, values.base) : undefined;
  const change = base ? summarizeChange(await changedFiles(root, values.base!), base.files, headFiles) : undefined;
  const headReport = engine.evaluate(
    policyInput({ model: head.model, sources: head.sources, files: headFiles, waivers: waivers.waivers, repositoryPaths: paths, now, health, ...(base ? { base, change } : {}) }),
  );
  const baseReport = base && engine.evaluate(policyInput({ model: base.model, sources: base.sources, files: base.files, waivers: base.waivers, repositoryPaths: paths, now, health }));
  const output = render(
    {
      title: base ? `Change plan: ${base.ref} (${base.commit.slice(0, 12)}) → working tree` : 'Policy report: working tree',
      head: { model: head.model, report: headReport },
      ...(base && baseReport ? { base: { model: base.model, report: baseReport, label: base.ref } } : {}),
      ...(change ? { change } : {}),
      policies: engine.policies,
    },
    format,
  );
  if (values.out) await writeFile(values.out, output);
  else process.stdout.write(output);
  process.exit(blocking(headReport).length ? 1 : 0);
} catch (error) {
  if (error instanceof PolicyBundleError || error instanceof RevisionError) {
    console.error(`plan-change: ${error.message}`);
    if (error instanceof RevisionError) for (const located of error.errors) console.error(`  ${formatLocated(located)}`);
    process.exit(1);
  }
  throw error;
}

function usage(problem: string): never {
  console.error(`plan-change: ${problem}\nusage: npm run plan-change -- [--base <git ref>] [--format ${FORMATS.join('|')}] [--out <file>] [--health <file.json>] [--now <ISO date-time>]`);
  process.exit(2);
}
