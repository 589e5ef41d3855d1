import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ForgeError } from '../console/server/forges/forge';
import { RISK_CLASSES } from '../schemas/drill-record';
import { commandLine } from './lib/command-line';
import { planComment, setClassLabel, upsertPlanComment, type PullRequestTarget } from './lib/pr-comment';

// `npm run pr-comment -- --pull-request <n> --plan <plan.md> --plan-json <plan.json> --artifact-url <url>`: the
// pull-request workflow's last step. Puts the `plan-change` markdown on the pull request as one comment, edited
// in place on every push, and labels the pull request with the change's class. GitHub from the environment
// Actions sets: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL.
const USAGE =
  'usage: npm run pr-comment -- --pull-request <number> --plan <plan.md> --plan-json <plan.json> --artifact-url <https URL> [--bot-login <login>]\n' +
  'environment: GITHUB_TOKEN (issues and pull requests: write), GITHUB_REPOSITORY (owner/name), GITHUB_API_URL (default https://api.github.com)';

const { values } = commandLine(
  {
    options: {
      'pull-request': { type: 'string' },
      plan: { type: 'string' },
      'plan-json': { type: 'string' },
      'artifact-url': { type: 'string' },
      'bot-login': { type: 'string', default: 'github-actions[bot]' },
    },
  },
  usage,
);

const argumentsSchema = z.object({
  pullRequest: z.coerce.number({ error: 'a pull request number' }).int().positive(),
  plan: z.string({ error: 'the markdown file plan-change wrote' }).min(1),
  planJson: z.string({ error: 'the JSON file plan-change wrote' }).min(1),
  artifactUrl: z.url({ protocol: /^https?$/, error: 'the URL of the run artifact holding the whole plan' }).max(2048),
  botLogin: z.string().regex(/^[A-Za-z0-9-]{1,39}(\[bot\])?$/, 'a GitHub login, e.g. github-actions[bot]'),
  token: z.string({ error: 'GITHUB_TOKEN must be set' }).min(1, 'GITHUB_TOKEN must be set'),
  repository: z.string({ error: 'GITHUB_REPOSITORY must be set' }).regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'GITHUB_REPOSITORY must be owner/name'),
  apiUrl: z.url({ protocol: /^https?$/ }),
});
const parsed = argumentsSchema.safeParse({
  pullRequest: values['pull-request'],
  plan: values.plan,
  planJson: values['plan-json'],
  artifactUrl: values['artifact-url'],
  botLogin: values['bot-login'],
  token: process.env.GITHUB_TOKEN,
  repository: process.env.GITHUB_REPOSITORY,
  apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
});
if (!parsed.success) usage(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
const options = parsed.data;

/** What this script reads of plan-change's JSON: the class the policies gave the change. */
const planJsonSchema = z.object({ classification: z.object({ class: z.enum(RISK_CLASSES) }) });

const markdown = await readInput(options.plan);
const classification = planJsonSchema.safeParse(parseJson(await readInput(options.planJson), options.planJson));
if (!classification.success) fail(`${options.planJson} is not plan-change's JSON: ${classification.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);

const [owner, name] = options.repository.split('/') as [string, string];
const target: PullRequestTarget = { baseUrl: options.apiUrl, auth: { token: options.token }, repo: { owner, name }, number: options.pullRequest, botLogin: options.botLogin };
try {
  const { body, truncated } = planComment(markdown, options.artifactUrl);
  const comment = await upsertPlanComment(target, body);
  console.log(`pr-comment: ${comment.action} ${comment.url}${truncated ? ' (plan truncated; the whole plan is in the artifact)' : ''}`);
  const labels = await setClassLabel(target, classification.data.classification.class);
  console.log(`pr-comment: labels ${[...labels.added.map((label) => `+${label}`), ...labels.removed.map((label) => `-${label}`)].join(' ') || 'unchanged'}`);
} catch (error) {
  if (!(error instanceof ForgeError)) throw error;
  const hint = error.code === 'unauthorized' ? ' (the token needs issues: write and pull-requests: write; a fork’s pull request gets neither)' : '';
  fail(`${error.message}${hint}`);
}

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file; run npm run plan-change -- --format markdown|json --out <file> first' : (error as Error).message}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(`${file} is not JSON`);
  }
}

function fail(message: string): never {
  console.error(`pr-comment: ${message}`);
  process.exit(1);
}

function usage(problem: string): never {
  console.error(`pr-comment: ${problem}\n${USAGE}`);
  process.exit(2);
}
