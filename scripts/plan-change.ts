import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { synthOutputs } from '../modules/outputs';
import { RevisionError } from '../policies/engine/change';
import { blocking, loadPolicyEngine, PolicyBundleError } from '../policies/engine/engine';
import type { RegionHealth } from '../policies/engine/input';
import { judgeWorkingTree } from '../policies/engine/judge';
import { FORMATS, render, type Format } from '../policies/engine/report-format';
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

const loaded = await loadModel(root);
const waivers = await loadWaivers(root);
const inputErrors = [...(loaded.errors ?? []), ...waivers.errors];
if (loaded.errors || waivers.errors.length) {
  console.error(`plan-change: the working tree's inputs do not load:\n${inputErrors.map((e) => `  ${formatLocated(e)}`).join('\n')}`);
  process.exit(1);
}

try {
  const engine = await loadPolicyEngine(root);
  const head = { model: loaded.model, sources: loaded.sources, files: synthOutputs(loaded.model), waivers: waivers.waivers };
  const { report, base, change } = await judgeWorkingTree(engine, root, head, { ...(values.base ? { base: values.base } : {}), now, health, evaluateBase: true });
  const output = render(
    {
      title: base ? `Change plan: ${base.revision.ref} (${base.revision.commit.slice(0, 12)}) → working tree` : 'Policy report: working tree',
      head: { model: loaded.model, report },
      ...(base?.report ? { base: { model: base.revision.model, report: base.report, label: base.revision.ref } } : {}),
      ...(change ? { change } : {}),
      policies: engine.policies,
    },
    format,
  );
  if (values.out) await writeFile(values.out, output);
  else process.stdout.write(output);
  process.exit(blocking(report).length ? 1 : 0);
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
