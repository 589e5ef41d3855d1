import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureTool } from '../../policies/toolchain/ensure';
import { freePort, stopProcess } from '../../tests/helpers/processes';
import { formatLocated, loadModel } from '../../schemas';
import { DEMO_USERS } from '../server/auth/local';
import type { Role } from '../server/auth/roles';
import type { ForgeRepo } from '../server/forges/forge';
import { gitAuthEnv } from '../server/forges/git-auth';

const run = promisify(execFile);

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The commit status context branch protection requires on the default branch: the CI policy gate. */
export const GATE_CONTEXT = 'gate';

export type SeededRole = 'admin' | 'bot' | Role;

export interface SeededUser {
  login: string;
  name: string;
  email: string;
  /** For signing in to Gitea's own pages in the demo; API calls use `token`. */
  password: string;
  token: string;
  role: SeededRole;
  /** Slugs of the organisation's teams the user belongs to. */
  teams: string[];
}

/** Each demo person's teams: the owners in `regions/global.yaml` that fit their role. */
const TEAMS: Record<(typeof DEMO_USERS)[number]['login'], string[]> = {
  alice: ['sre', 'dba'],
  bob: ['orders-team'],
  vera: [],
  carol: ['platform', 'sre', 'security'],
};

/**
 * Who the seeded forge knows: the console's bot and the local demo mode's people, under the same logins,
 * names and emails, so commits and pull requests name the person who signed in. The bot is the console's
 * identity: it pushes `console/<id>` branches and opens the pull requests, with write access and no review
 * rights that count.
 */
const PEOPLE: ReadonlyArray<Omit<SeededUser, 'password' | 'token'>> = [
  { login: 'console-bot', name: 'Operator console', email: 'console-bot@example.com', role: 'bot', teams: [] },
  ...DEMO_USERS.map((user) => ({ ...user, teams: TEAMS[user.login] })),
];

const ADMIN_LOGIN = 'gitea-admin';

/** Every scope the seeded people's tokens need: repositories, pull requests and labels, teams and users read back. */
const TOKEN_SCOPES = ['write:repository', 'write:issue', 'read:organization', 'read:user'];
/** The administrator's token also creates users, the organisation and its teams and labels. */
const ADMIN_SCOPES = ['write:admin', 'write:organization', 'write:repository', 'write:issue', 'write:user'];

export interface StartGiteaOptions {
  /** A git work tree whose HEAD becomes `main` of the seeded repository, and whose model names it and its owners. */
  repoDir: string;
  /** The project root holding `scripts/install-tools.sh` and `.tools/`; defaults to this checkout. */
  root?: string;
  /** A fixed port (the demo's printed URL); a free loopback port otherwise. */
  port?: number;
  /** Gitea's own log lines and the installer's progress, if it must build Gitea first. */
  log?: (line: string) => void;
}

export interface RunningGitea {
  /** Base URL, `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  repo: ForgeRepo;
  /** `git fetch` URL of the seeded repository; it is public, so it needs no credentials. */
  fetchUrl: string;
  /** API token by login, the bot's and the administrator's included; people's tokens carry {@link TOKEN_SCOPES}. */
  tokens: Record<string, string>;
  users: Record<string, SeededUser>;
  /** The site administrator that seeded everything. */
  admin: SeededUser;
  /** Team slugs created, one per `@org/team` owner of the model. */
  teams: string[];
  /** Milliseconds from the call to the seeded repository's branch protection (without a first-use install). */
  startupMs: number;
  /** The temporary work directory (app.ini, database, repositories), removed by `stop()`. */
  workDir: string;
  stop(): Promise<void>;
}

/**
 * Starts a real Gitea (built by `scripts/install-tools.sh gitea`, installed on first use) on a loopback port
 * in a temporary work directory, and seeds it: the model's `global.infrastructure.ciRepository` as a public
 * repository of its organisation, one team per `@org/team` owner with write access to it, the console's bot
 * and the demo people with tokens, `repoDir`'s HEAD pushed as `main`, and branch protection on `main` (no direct
 * push, one approval, the {@link GATE_CONTEXT} status), so merge rules are Gitea's own.
 */
export async function startGitea(options: StartGiteaOptions): Promise<RunningGitea> {
  const root = options.root ?? REPO_ROOT;
  const log = options.log ?? (() => undefined);
  const loaded = await loadModel(options.repoDir);
  if (loaded.errors) throw new Error(`startGitea: the model in ${options.repoDir} does not load:\n${loaded.errors.map(formatLocated).join('\n')}`);
  const [owner = '', name = ''] = loaded.model.global.infrastructure.ciRepository.split('/');
  const teams = teamSlugs(owner, loaded.model.global.owners.flatMap((rule) => rule.owners));

  const binary = await ensureTool(root, 'gitea', { log });
  const started = Date.now();
  // The installer keeps options/ and templates/ beside the binary, which bin/gitea links to.
  const staticRoot = path.dirname(await realpath(binary));
  const workDir = await mkdtemp(path.join(tmpdir(), 'console-gitea-'));
  let server: ChildProcess | undefined;
  const stop = async () => {
    if (server) await stopProcess(server);
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const config = path.join(workDir, 'app.ini');
    await mkdir(path.join(workDir, 'custom'), { recursive: true });
    await writeFile(config, appIni({ workDir, staticRoot, port, url }), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GITEA_WORK_DIR: workDir,
      GITEA_CUSTOM: path.join(workDir, 'custom'),
      // Gitea refuses root unless told; containers and CI run as root, a workstation does not.
      ...(process.getuid?.() === 0 ? { GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT: 'true' } : {}),
    };
    const gitea = (...args: string[]) => run(binary, [...args, '--config', config, '--work-path', workDir], { env, timeout: 60_000 });
    await gitea('migrate');
    const admin: SeededUser = { login: ADMIN_LOGIN, name: 'Forge administrator', email: `${ADMIN_LOGIN}@example.com`, password: secret(), token: '', role: 'admin', teams: [] };
    await gitea('admin', 'user', 'create', '--admin', '--username', admin.login, '--password', admin.password, '--email', admin.email, '--must-change-password=false');

    const output: string[] = [];
    // setpriv (util-linux) has the kernel stop Gitea when this process dies, even when killed before stop().
    server = spawn('setpriv', ['--pdeathsig', 'SIGTERM', binary, 'web', '--config', config, '--work-path', workDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [server.stdout, server.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          output.push(line);
          if (output.length > 40) output.shift();
          log(line);
        }
      });
    }
    await waitUntilServing(url, server, output);
    log(`gitea: migrated and serving ${url} after ${Date.now() - started} ms`);

    const api = client(url);
    admin.token = await createToken(api, admin.login, admin.password, ADMIN_SCOPES);
    const users = Object.fromEntries(
      await Promise.all(
        PEOPLE.map(async (person) => {
          const user: SeededUser = { ...person, teams: person.teams.filter((team) => teams.includes(team)), password: secret(), token: '' };
          await api('POST', '/admin/users', admin.token, {
            username: user.login,
            full_name: user.name,
            email: user.email,
            password: user.password,
            must_change_password: false,
            send_notify: false,
          });
          user.token = await createToken(api, user.login, user.password, TOKEN_SCOPES);
          return [user.login, user] as const;
        }),
      ),
    );

    await api('POST', '/orgs', admin.token, { username: owner, full_name: owner, visibility: 'public', repo_admin_change_team_access: false });
    await api('POST', `/orgs/${owner}/repos`, admin.token, { name, private: false, default_branch: 'main', description: 'Regions, apps and their generated infrastructure' });
    await Promise.all(
      teams.map(async (team) => {
        const created = (await api('POST', `/orgs/${owner}/teams`, admin.token, {
          name: team,
          includes_all_repositories: false,
          // Gitea grants a team's access per unit; `permission` alone is ignored since units exist.
          units_map: { 'repo.code': 'write', 'repo.pulls': 'write', 'repo.issues': 'write', 'repo.releases': 'read', 'repo.wiki': 'read' },
        })) as { id: number };
        await api('PUT', `/teams/${created.id}/repos/${owner}/${name}`, admin.token);
        for (const user of Object.values(users)) if (user.teams.includes(team)) await api('PUT', `/teams/${created.id}/members/${user.login}`, admin.token);
      }),
    );
    for (const user of Object.values(users)) {
      if (user.role === 'bot') await api('PUT', `/repos/${owner}/${name}/collaborators/${user.login}`, admin.token, { permission: 'write' });
      if (user.role === 'viewer') await api('PUT', `/repos/${owner}/${name}/collaborators/${user.login}`, admin.token, { permission: 'read' });
    }

    const fetchUrl = `${url}/${owner}/${name}.git`;
    await pushAs(options.repoDir, fetchUrl, admin, 'HEAD:refs/heads/main');
    await untilNotEmpty(api, `/repos/${owner}/${name}`, admin.token);
    await api('POST', `/repos/${owner}/${name}/branch_protections`, admin.token, {
      rule_name: 'main',
      enable_push: false,
      required_approvals: 1,
      enable_approvals_whitelist: false,
      dismiss_stale_approvals: true,
      block_on_rejected_reviews: true,
      block_on_outdated_branch: true,
      enable_status_check: true,
      status_check_contexts: [GATE_CONTEXT],
    });

    log(`gitea: ${owner}/${name} seeded after ${Date.now() - started} ms`);
    const all = { ...users, [admin.login]: admin };
    return {
      url,
      repo: { owner, name },
      fetchUrl,
      tokens: Object.fromEntries(Object.values(all).map((user) => [user.login, user.token])),
      users,
      admin,
      teams,
      startupMs: Date.now() - started,
      workDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What `npm run console` prints about its forge: where it is, and who can sign in to it with which password. */
export function describeGitea(gitea: RunningGitea): string[] {
  return [
    `Gitea ${gitea.url}/${gitea.repo.owner}/${gitea.repo.name} (local, seeded; stopped with the console)`,
    ...Object.values(gitea.users)
      .filter((user) => user.role !== 'bot')
      .map((user) => `  ${user.login.padEnd(6)} ${user.role.padEnd(8)} password ${user.password}${user.teams.length ? `  teams: ${user.teams.join(', ')}` : ''}`),
  ];
}

/** Pushes as `user`, its token handed to git through the environment (see `gitAuthEnv`). */
export async function pushAs(repoDir: string, remoteUrl: string, user: Pick<SeededUser, 'login' | 'token'>, ...refspecs: string[]): Promise<void> {
  await run('git', ['push', '--quiet', remoteUrl, ...refspecs], { cwd: repoDir, env: gitAuthEnv(user.login, user.token), timeout: 60_000 });
}

/** Team slugs named by `@org/team` owners of the repository's organisation; a team of another organisation cannot review here. */
function teamSlugs(org: string, owners: string[]): string[] {
  const slugs = new Set<string>();
  for (const handle of owners) {
    const [account, team] = handle.replace(/^@/, '').split('/');
    if (!team) continue;
    if (account !== org) throw new Error(`startGitea: owner ${handle} is a team of ${account}, not of the repository's organisation ${org}`);
    slugs.add(team);
  }
  return [...slugs].sort();
}

function appIni({ workDir, staticRoot, port, url }: { workDir: string; staticRoot: string; port: number; url: string }): string {
  return `APP_NAME = Orders console forge
RUN_USER = ${userInfo().username}
RUN_MODE = prod
WORK_PATH = ${workDir}

[server]
HTTP_ADDR = 127.0.0.1
HTTP_PORT = ${port}
ROOT_URL = ${url}/
DISABLE_SSH = true
OFFLINE_MODE = true
LFS_START_SERVER = false
STATIC_ROOT_PATH = ${staticRoot}
APP_DATA_PATH = ${workDir}/data

[database]
DB_TYPE = sqlite3
PATH = ${workDir}/data/gitea.db
SQLITE_JOURNAL_MODE = WAL

[repository]
ROOT = ${workDir}/repositories

[security]
INSTALL_LOCK = true
SECRET_KEY = ${secret()}
INTERNAL_TOKEN = ${secret()}

[oauth2]
JWT_SECRET = ${randomBytes(32).toString('base64url')}

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false
ENABLE_NOTIFY_MAIL = false

[mailer]
ENABLED = false

[session]
PROVIDER = memory

[cache]
ADAPTER = memory

[indexer]
ISSUE_INDEXER_TYPE = db
REPO_INDEXER_ENABLED = false

[actions]
ENABLED = false

[packages]
ENABLED = false

[cron.update_checker]
ENABLED = false

[log]
MODE = console
LEVEL = Warn
ROOT_PATH = ${workDir}/log
`;
}

function secret(): string {
  return randomBytes(24).toString('hex');
}


async function waitUntilServing(url: string, server: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`gitea web exited (${server.exitCode ?? server.signalCode}):\n${output.join('\n')}`);
    try {
      const response = await fetch(`${url}/api/v1/version`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gitea web did not answer ${url}/api/v1/version within 60 s:\n${output.join('\n')}`);
}

/**
 * Gitea marks a repository non-empty after the first push's hooks ran, asynchronously; until then its API
 * answers branch reads with a 500 (1.27.3 dereferences the git repository it skipped opening for an empty one).
 */
async function untilNotEmpty(api: Api, route: string, token: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!((await api('GET', route, token)) as { empty: boolean }).empty) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`startGitea: ${route} still reads as empty 30 s after the push of main`);
}


/** `token` is an API token, or `login:password` for the one call that needs a password. */
type Api = (method: string, route: string, token: string, body?: unknown) => Promise<unknown>;

/** Seeding calls: any answer other than 2xx stops the start with Gitea's own message (never the credentials). */
function client(url: string): Api {
  return async (method, route, token, body) => {
    const authorization = token.includes(':') ? `Basic ${Buffer.from(token).toString('base64')}` : `token ${token}`;
    const response = await fetch(`${url}/api/v1${route}`, {
      method,
      headers: { Authorization: authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`startGitea: ${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** A token can only be created by its owner signing in with a password (basic auth), not by an administrator's token. */
async function createToken(api: Api, login: string, password: string, scopes: string[]): Promise<string> {
  const created = (await api('POST', `/users/${login}/tokens`, `${login}:${password}`, { name: 'console', scopes })) as { sha1: string };
  return created.sha1;
}
