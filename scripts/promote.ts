import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GENERATED_DIR, readCommitted, writeOutputs } from '../modules/generated-dir';
import { synthOutputs, type RepoFiles } from '../modules/outputs';
import { modelAfter, planPromotion, replaceDigest, withBarrierRecord, type Change } from '../modules/promotion';
import { checkBarrier } from '../policies/promotion/rollout-barrier';
import { count, digestOf, formatLocated, loadModel, owner, RELEASES_FILE, releasesYaml } from '../schemas';
import { commandLine } from './lib/command-line';

// `npm run promote -- <app> <digest>`: moves one app's new digest to the next wave of regions, once the
// regions already switched report a healthy rollout. Exit 0: done; 1: refused or barrier not met; 2: bad input.
const USAGE = 'usage: npm run promote -- <app> <sha256:digest> [--dry-run] [--by @handle] | npm run promote -- <app> [<sha256:digest>] --abandon [--dry-run]';

const { values, positionals } = commandLine(
  {
    allowPositionals: true,
    options: {
      abandon: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      by: { type: 'string' },
      root: { type: 'string' },
    },
  },
  usage,
);
const [appName, digest, ...extra] = positionals;
if (!appName) usage('<app>: expected an app name, got nothing');
if (extra.length) usage(`expected at most <app> and <digest>, got also ${extra.map((arg) => JSON.stringify(arg)).join(' ')}`);
if (values.by !== undefined && !owner.safeParse(values.by).success) usage(`--by: expected a GitHub handle like @org/team or @user, got ${JSON.stringify(values.by)}`);
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const dryRun = values['dry-run'];
const say = (line: string) => console.log(`promote${dryRun ? ' (dry run)' : ''}: ${line}`);

const loaded = await loadModel(root);
if (loaded.errors) {
  console.error(`promote: ${count(loaded.errors.length, 'error')} in the inputs; fix them first, nothing changed\n`);
  for (const error of loaded.errors) console.error(`  ${formatLocated(error)}`);
  process.exit(1);
}
const { model, sources } = loaded;

const planned = planPromotion(model, { app: appName, ...(digest ? { digest } : {}), abandon: values.abandon, ...(values.by ? { startedBy: values.by } : {}) });
if (planned.kind === 'invalid') usage(planned.reason);
if (planned.kind === 'refused') refuse(planned.reason);
let step: Change = planned;

if (step.barrier.length) {
  const verdicts = await checkBarrier(model, step.app, step.release.digest, step.barrier);
  const lines = verdicts.map((verdict) => `  ${verdict.healthy ? 'healthy' : 'NOT healthy'}: ${verdict.region} (${verdict.prometheusUrl}): ${verdict.details.join('; ')}`);
  if (verdicts.some((verdict) => !verdict.healthy)) {
    console.error(`promote: barrier not met, nothing changed: ${step.app.name} ${step.release.digest} must be rolled out healthily in ${step.barrier.join(', ')} first\n${lines.join('\n')}`);
    console.error(`Run the same command again once the rollout is healthy, or abandon the release: npm run promote -- ${step.app.name} --abandon`);
    process.exit(1);
  }
  say(`barrier met\n${lines.join('\n')}`);
  step = withBarrierRecord(step, verdicts, new Date());
}

const after = modelAfter(model, step);
// The inputs that record the state are written last, after generated/, and the releases file after the app
// file: a promote killed between two writes still finds the step it was taking, and running it again redoes it.
const edits = new Map<string, string>();
if (step.kind === 'finish') {
  const file = sources.apps[step.app.name]!;
  const replaced = replaceDigest(await readFile(path.join(root, file), 'utf8'), file, digestOf(step.app.image), step.release.digest);
  if ('error' in replaced) refuse(replaced.error);
  edits.set(file, replaced.text);
}
edits.set(RELEASES_FILE, releasesYaml(after.releases));
const next: RepoFiles = new Map([...synthOutputs(after), ...edits]);
const current = await readCommitted(root, [...next.keys()].filter((file) => !file.startsWith(`${GENERATED_DIR}/`)));
const changes = [...new Set([...current.keys(), ...next.keys()])]
  .sort()
  .flatMap((file) => (current.get(file) === next.get(file) ? [] : [`  ${!current.has(file) ? '+' : !next.has(file) ? '-' : '~'} ${file}`]));
if (!dryRun) await writeOutputs(root, next);

say(summary(step));
console.log(changes.length ? changes.join('\n') : '  (no file changes)');
console.log(dryRun ? 'nothing written (dry run)' : `next: ${nextSteps(step)}`);

function summary(step: Change): string {
  const { app, release } = step;
  switch (step.kind) {
    case 'start':
    case 'advance': {
      const waiting = step.waves.slice(step.wave).flat();
      return `${app.name} ${release.digest}: wave ${step.wave} of ${step.waves.length} switched (${step.waves[step.wave - 1]!.join(', ')})${waiting.length ? `; not yet switched: ${waiting.join(', ')} (on ${app.image})` : ''}`;
    }
    case 'finish':
      return `${app.name} ${release.digest}: every wave is healthy; ${sources.apps[app.name]} now pins it and the release is closed`;
    case 'abandon':
      return `${app.name} ${release.digest}: release abandoned; back to ${app.image} in ${release.regions.join(', ')}`;
  }
}

function nextSteps(step: Change): string {
  const again = `npm run promote -- ${step.app.name} ${step.release.digest}`;
  const merge = 'commit these files and open a pull request';
  switch (step.kind) {
    case 'start':
    case 'advance': {
      const rolled = `${merge}; once it is merged, Argo CD rolls the new digest out in ${step.waves[step.wave - 1]!.join(', ')}.`;
      const waiting = step.wave < step.waves.length ? `Wave ${step.wave + 1} (${step.waves[step.wave]!.join(', ')}) waits` : 'Closing the release waits';
      return `${rolled} ${waiting} until that rollout is healthy: then run \`${again}\` again.`;
    }
    case 'finish':
      return `${merge}; the regions already run this digest, so nothing rolls out.`;
    case 'abandon':
      return `${merge}; once it is merged, Argo CD rolls ${step.release.regions.join(', ')} back to ${step.app.image}.`;
  }
}

function refuse(reason: string): never {
  console.error(`promote: refused: ${reason}`);
  process.exit(1);
}

function usage(problem: string): never {
  console.error(`promote: ${problem}\n${USAGE}`);
  process.exit(2);
}
