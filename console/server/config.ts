import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { githubRepository, slug } from '../../schemas';
import { AUTH_ROUTES } from './auth';
import { roleGroupsSchema, type OidcSettings } from './auth/oidc';
import type { ForgeRepo } from './forges/forge';

/**
 * The console's configuration, read from the environment once per process. Every bad variable is one line
 * naming it, what it must hold and what it held (secrets by length only), all of them at once.
 */
export interface ConsoleConfig {
  repoDir: string;
  stateDir: string;
  auth: { mode: 'local'; secret?: string } | { mode: 'oidc'; secret: string; oidc: OidcSettings };
  forge: ForgeConfig;
  /** Region id → Prometheus base URL, overriding the model's `observability.prometheusUrl`. */
  prometheusUrls?: Record<string, string>;
  grafanaUrl?: string;
}

export type ForgeConfig =
  | { kind: 'gitea'; url: string; repo: ForgeRepo; token: string }
  | { kind: 'github'; url: string; repo: ForgeRepo; auth: { token: string } | { appId: string; privateKeyFile: string; installationId: string } };

export class ConsoleConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The console's configuration is not usable (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}); fix the environment and start it again:\n  ${problems.join('\n  ')}`);
    this.name = 'ConsoleConfigError';
  }
}

const GITHUB_API = 'https://api.github.com';
/** A session secret shorter than this could be guessed offline from one cookie. */
const MIN_SECRET_LENGTH = 32;

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });
/** Tokens, ids and secrets: printable ASCII without spaces, which is what every provider issues. */
const token = (what: string) => z.string().regex(/^[!-~]+$/, { error: `${what} of printable ASCII without spaces` }).max(4096, { error: `${what} of at most 4096 characters` });
const claimName = z.string().regex(/^[!-~]{1,256}$/, { error: 'a claim name of printable ASCII without spaces' });
const scopes = z
  .string()
  .regex(/^[!#-[\]-~]+( [!#-[\]-~]+)*$/, { error: 'space-separated OAuth scopes' })
  .refine((value) => value.split(' ').includes('openid'), { error: 'scopes that include openid' });
const decimalId = (what: string) => z.string().regex(/^[1-9][0-9]{0,19}$/, { error: `${what}, a positive decimal number` });

/** A JSON-valued variable: parsed, then checked against `schema`. */
function json<T extends z.ZodType>(schema: T, example: string) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: `JSON like ${example}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

type Env = Record<string, string | undefined>;

interface Reader {
  env: Env;
  /** The variable parsed by `schema`; undefined when unset or bad (then a problem is noted). */
  read<T>(name: string, schema: z.ZodType<T>, options?: { secret?: boolean }): T | undefined;
  /** Notes a problem if the variable is unset; `value` passes through. */
  required<T>(name: string, value: T | undefined, when: string, example: string): T | undefined;
  problem(name: string, text: string): void;
}

export function parseConsoleConfig(env: Env, cwd: string): ConsoleConfig {
  const problems: string[] = [];
  const problem = (name: string, text: string) => problems.push(`${name}: ${text}`);

  function read<T>(name: string, schema: z.ZodType<T>, options: { secret?: boolean } = {}): T | undefined {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    const found = options.secret ? `a value of ${raw.length} characters` : JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
    problem(name, `expected ${issue.message}${where}, got ${found}`);
    return undefined;
  }
  function required<T>(name: string, value: T | undefined, when: string, example: string): T | undefined {
    if (value === undefined && !env[name]) problem(name, `required ${when}; set it to ${example}`);
    return value;
  }

  const repoDir = path.resolve(cwd, env.MR_REPO_ROOT || '.');
  if (!existsSync(path.join(repoDir, 'regions', 'global.yaml'))) {
    problem('MR_REPO_ROOT', `expected the repository root (a directory holding regions/global.yaml), got ${JSON.stringify(repoDir)}${env.MR_REPO_ROOT ? '' : ' (the working directory; MR_REPO_ROOT is unset)'}`);
  }
  const stateDir = path.resolve(repoDir, env.MR_CONSOLE_STATE_DIR || '.console');
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) problem('MR_CONSOLE_STATE_DIR', `expected a directory for the audit log and scratch worktrees, got the file ${JSON.stringify(stateDir)}`);

  const mode = read('MR_CONSOLE_AUTH', z.enum(['local', 'oidc'], { error: 'local (the demo users) or oidc (the default)' })) ?? (env.MR_CONSOLE_AUTH ? undefined : 'oidc');
  const secret = read('MR_CONSOLE_SESSION_SECRET', token('a secret').min(MIN_SECRET_LENGTH, { error: `a secret of at least ${MIN_SECRET_LENGTH} characters (openssl rand -base64 48)` }), { secret: true });
  let auth: ConsoleConfig['auth'] | undefined;
  if (mode === 'local') auth = { mode: 'local', ...(secret ? { secret } : {}) };
  if (mode === 'oidc') {
    const when = 'with MR_CONSOLE_AUTH=oidc (the default; MR_CONSOLE_AUTH=local runs the demo users instead)';
    const issuer = required('MR_CONSOLE_OIDC_ISSUER', read('MR_CONSOLE_OIDC_ISSUER', httpUrl), when, "the identity provider's issuer URL");
    const clientId = required('MR_CONSOLE_OIDC_CLIENT_ID', read('MR_CONSOLE_OIDC_CLIENT_ID', token('a client id')), when, 'the client id registered for the console');
    const clientSecret = read('MR_CONSOLE_OIDC_CLIENT_SECRET', token('a client secret'), { secret: true });
    const redirectUrl = required(
      'MR_CONSOLE_OIDC_REDIRECT_URL',
      read('MR_CONSOLE_OIDC_REDIRECT_URL', httpUrl.refine((url) => new URL(url).pathname === AUTH_ROUTES.oidcCallback, { error: `the console's URL ending in ${AUTH_ROUTES.oidcCallback}` })),
      when,
      `https://<console host>${AUTH_ROUTES.oidcCallback}, registered with the provider`,
    );
    const roleGroups = required('MR_CONSOLE_ROLE_GROUPS', read('MR_CONSOLE_ROLE_GROUPS', json(roleGroupsSchema, '{"viewer":["eng"],"operator":["sre-oncall"],"approver":["cab"]}')), when, 'JSON like {"viewer":["eng"],"operator":["sre-oncall"],"approver":["cab"]}');
    const groupsClaim = read('MR_CONSOLE_OIDC_GROUPS_CLAIM', claimName) ?? 'groups';
    const loginClaim = read('MR_CONSOLE_OIDC_LOGIN_CLAIM', claimName) ?? 'preferred_username';
    const scope = read('MR_CONSOLE_OIDC_SCOPES', scopes) ?? 'openid profile email';
    required('MR_CONSOLE_SESSION_SECRET', secret, when, `a random secret of at least ${MIN_SECRET_LENGTH} characters shared by every console instance (openssl rand -base64 48)`);
    if (issuer && clientId && redirectUrl && roleGroups && secret) {
      auth = {
        mode: 'oidc',
        secret,
        oidc: { issuer: new URL(issuer), clientId, ...(clientSecret ? { clientSecret } : {}), redirectUrl: new URL(redirectUrl), scopes: scope, groupsClaim, loginClaim, roleGroups },
      };
    }
  }

  const forge = parseForge({ env, read, required, problem }, repoDir);
  const prometheusUrls = read('MR_CONSOLE_PROMETHEUS_URLS', json(z.record(slug, httpUrl), '{"us-east-1":"http://prometheus.us-east-1.example:9090"}'));
  const grafanaUrl = read(
    'MR_CONSOLE_GRAFANA_URL',
    z.string().refine((value) => httpUrl.safeParse(value.replaceAll('{region}', 'region')).success, { error: 'a Grafana panel embed URL (http or https; {region} stands for the region id)' }),
  );

  if (problems.length || !auth || !forge) throw new ConsoleConfigError(problems);
  return { repoDir, stateDir, auth, forge, ...(prometheusUrls ? { prometheusUrls } : {}), ...(grafanaUrl ? { grafanaUrl } : {}) };
}

function parseForge({ env, read, required, problem }: Reader, repoDir: string): ForgeConfig | undefined {
  const kind = required('MR_CONSOLE_FORGE', read('MR_CONSOLE_FORGE', z.enum(['gitea', 'github'], { error: 'gitea or github' })), 'to open pull requests', 'gitea or github');
  const repoName = required('MR_CONSOLE_FORGE_REPO', read('MR_CONSOLE_FORGE_REPO', githubRepository), 'to open pull requests', 'the repository as owner/name');
  const repo = repoName ? { owner: repoName.split('/')[0]!, name: repoName.split('/')[1]! } : undefined;
  const tokenValue = read('MR_CONSOLE_FORGE_TOKEN', token('a token'), { secret: true });
  if (kind === 'gitea') {
    const url = required('MR_CONSOLE_FORGE_URL', read('MR_CONSOLE_FORGE_URL', httpUrl), 'with MR_CONSOLE_FORGE=gitea', 'the Gitea base URL like https://git.example.com');
    required('MR_CONSOLE_FORGE_TOKEN', tokenValue, 'with MR_CONSOLE_FORGE=gitea', "an access token of the console's bot user");
    return url && repo && tokenValue ? { kind, url, repo, token: tokenValue } : undefined;
  }
  if (kind !== 'github') return undefined;
  const url = read('MR_CONSOLE_FORGE_URL', httpUrl) ?? (env.MR_CONSOLE_FORGE_URL ? undefined : GITHUB_API);
  const appVariables = ['MR_CONSOLE_GITHUB_APP_ID', 'MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE', 'MR_CONSOLE_GITHUB_INSTALLATION_ID'];
  const appSet = appVariables.filter((name) => env[name]);
  if (env.MR_CONSOLE_FORGE_TOKEN && appSet.length) {
    problem('MR_CONSOLE_FORGE_TOKEN', `expected a token or a GitHub App, not both: ${appSet.join(', ')} ${appSet.length === 1 ? 'is' : 'are'} set too`);
    return undefined;
  }
  if (!appSet.length) {
    required('MR_CONSOLE_FORGE_TOKEN', tokenValue, 'with MR_CONSOLE_FORGE=github unless a GitHub App is configured', `a token, or set ${appVariables.join(', ')}`);
    return url && repo && tokenValue ? { kind, url, repo, auth: { token: tokenValue } } : undefined;
  }
  const when = 'for a GitHub App (some of its variables are set)';
  const appId = required('MR_CONSOLE_GITHUB_APP_ID', read('MR_CONSOLE_GITHUB_APP_ID', decimalId('a GitHub App id')), when, "the App's decimal id");
  const installationId = required('MR_CONSOLE_GITHUB_INSTALLATION_ID', read('MR_CONSOLE_GITHUB_INSTALLATION_ID', decimalId('an installation id')), when, "the App installation's decimal id");
  const privateKeyFile = required(
    'MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE',
    read('MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE', z.string().refine((file) => statSync(path.resolve(repoDir, file), { throwIfNoEntry: false })?.isFile() === true, { error: "the path of the GitHub App's private key (.pem) file" })),
    when,
    "the path of the App's .pem private key",
  );
  return url && repo && appId && installationId && privateKeyFile ? { kind, url, repo, auth: { appId, privateKeyFile: path.resolve(repoDir, privateKeyFile), installationId } } : undefined;
}
