import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { synthOutputs } from '../modules/outputs';
import { baseRefOf, RevisionError } from '../policies/engine/change';
import { changePlan } from '../policies/engine/change-plan';
import { blocking, loadPolicyEngine, PolicyBundleError } from '../policies/engine/engine';
import type { RegionHealth } from '../policies/engine/input';
import { judgeWorkingTree } from '../policies/engine/judge';
import { FORMATS, render, type Format } from '../policies/engine/report-format';
import { expectation, formatLocated, issueToLocated, loadModel, loadWaivers, located, type Located } from '../schemas';
import { commandLine } from './lib/command-line';

// `npm run plan-change -- --base <ref>` (or MR_BASE_REF, as `npm test` reads it): judges the working tree as a change from <ref> and writes the
// pull-request description: per-region changes, risk class, resilience before and after, policy results.
const { values } = commandLine(
  {
    options: {
      base: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      out: { type: 'string' },
      health: { type: 'string' },
      now: { type: 'string' },
      root: { type: 'string' },
    },
  },
  usage,
);
const { ref: baseRef, problem } = baseRefOf(values.base, process.env.MR_BASE_REF);
if (problem) usage(problem);
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const format = values.format as Format;
if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
const now = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(now.getTime())) usage(`--now must be an ISO-8601 date-time, got ${JSON.stringify(values.now)}`);

const healthSchema = z.record(z.string(), z.enum(['healthy', 'failing'], { error: '"healthy" or "failing"' }), { error: 'an object of region id to health, like {"us-east-1": "failing"}' });

const { health, errors: healthErrors } = values.health === undefined ? { health: {} } : await readHealth(values.health);
if (healthErrors) {
  for (const error of healthErrors) console.error(`plan-change: --health ${formatLocated(error)}`);
  process.exit(2);
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
  const judgement = await judgeWorkingTree(engine, root, head, { ...(baseRef ? { base: baseRef } : {}), now, health, evaluateBase: true });
  const output = render(changePlan(engine, loaded.model, judgement, 'working tree'), format);
  if (values.out) await writeFile(values.out, output);
  else process.stdout.write(output);
  process.exit(blocking(judgement.report).length ? 1 : 0);
} catch (error) {
  if (error instanceof PolicyBundleError || error instanceof RevisionError) {
    console.error(`plan-change: ${error.message}`);
    if (error instanceof RevisionError) for (const located of error.errors) console.error(`  ${formatLocated(located)}`);
    process.exit(1);
  }
  throw error;
}

/** Region health from monitoring, or where the file is wrong: a missing file, bad JSON, an unknown state. */
async function readHealth(file: string): Promise<{ health: Record<string, RegionHealth>; errors?: undefined } | { errors: Located[]; health?: undefined }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { errors: [located(file, '', 'a readable JSON file', (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message)] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { errors: [located(file, '', 'valid JSON', (error as Error).message)] };
  }
  const result = healthSchema.safeParse(value, { reportInput: true, error: expectation });
  return result.success ? { health: result.data } : { errors: result.error.issues.map((issue) => issueToLocated(file, issue)) };
}

function usage(problem: string): never {
  console.error(`plan-change: ${problem}\nusage: npm run plan-change -- [--base <git ref>] [--format ${FORMATS.join('|')}] [--out <file>] [--health <file.json>] [--now <ISO date-time>]`);
  process.exit(2);
}
