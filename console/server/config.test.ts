import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thrown } from '../../tests/helpers/thrown';
import { ConsoleConfigError, parseConsoleConfig } from './config';

let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'console-config-'));
  await mkdir(path.join(repo, 'regions'));
  await writeFile(path.join(repo, 'regions', 'global.yaml'), 'project: example\n');
  await writeFile(path.join(repo, 'app.pem'), '-----BEGIN PRIVATE KEY-----\n');
});
afterAll(() => rm(repo, { recursive: true, force: true }));

const localGitea = {
  MR_CONSOLE_AUTH: 'local',
  MR_CONSOLE_FORGE: 'gitea',
  MR_CONSOLE_FORGE_URL: 'http://127.0.0.1:3300',
  MR_CONSOLE_FORGE_REPO: 'example-org/orders-gitops',
  MR_CONSOLE_FORGE_TOKEN: 'b3f1c0ffee',
};
const oidc = {
  MR_CONSOLE_AUTH: 'oidc',
  MR_CONSOLE_SESSION_SECRET: 's'.repeat(48),
  MR_CONSOLE_OIDC_ISSUER: 'https://id.example.com/realms/ops',
  MR_CONSOLE_OIDC_CLIENT_ID: 'region-console',
  MR_CONSOLE_OIDC_REDIRECT_URL: 'https://console.example.com/api/auth/oidc/callback',
  MR_CONSOLE_ROLE_GROUPS: '{"viewer":["eng"],"operator":["sre-oncall"],"approver":["cab"]}',
};

function problemsOf(env: Record<string, string>, cwd = repo): string[] {
  return thrown(ConsoleConfigError, () => parseConsoleConfig(env, cwd)).problems;
}

describe('the console configuration', () => {
  it('reads the local demo with Gitea, the state directory defaulting to <repo>/.console', () => {
    expect(parseConsoleConfig(localGitea, repo)).toEqual({
      repoDir: repo,
      stateDir: path.join(repo, '.console'),
      auth: { mode: 'local' },
      forge: { kind: 'gitea', url: 'http://127.0.0.1:3300', repo: { owner: 'example-org', name: 'orders-gitops' }, token: 'b3f1c0ffee' },
    });
  });

  it('reads a deployment: OIDC with its defaults, GitHub through an App, Prometheus overrides and Grafana', () => {
    const config = parseConsoleConfig(
      {
        ...oidc,
        MR_REPO_ROOT: repo,
        MR_CONSOLE_STATE_DIR: '/var/lib/console',
        MR_CONSOLE_FORGE: 'github',
        MR_CONSOLE_FORGE_REPO: 'example-org/orders-gitops',
        MR_CONSOLE_GITHUB_APP_ID: '123456',
        MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE: 'app.pem',
        MR_CONSOLE_GITHUB_INSTALLATION_ID: '7890',
        MR_CONSOLE_PROMETHEUS_URLS: '{"us-east-1":"http://prom-use1:9090"}',
        MR_CONSOLE_GRAFANA_URL: 'https://grafana.example.com/d-solo/abc/regions?var-region={region}&panelId=2',
      },
      '/',
    );
    expect(config).toMatchObject({
      repoDir: repo,
      stateDir: '/var/lib/console',
      forge: { kind: 'github', url: 'https://api.github.com', auth: { appId: '123456', privateKeyFile: path.join(repo, 'app.pem'), installationId: '7890' } },
      prometheusUrls: { 'us-east-1': 'http://prom-use1:9090' },
      grafanaUrl: 'https://grafana.example.com/d-solo/abc/regions?var-region={region}&panelId=2',
    });
    expect(config.auth).toEqual({
      mode: 'oidc',
      secret: 's'.repeat(48),
      oidc: {
        issuer: new URL('https://id.example.com/realms/ops'),
        clientId: 'region-console',
        redirectUrl: new URL('https://console.example.com/api/auth/oidc/callback'),
        scopes: 'openid profile email',
        groupsClaim: 'groups',
        loginClaim: 'preferred_username',
        roleGroups: { viewer: ['eng'], operator: ['sre-oncall'], approver: ['cab'] },
      },
    });
  });

  it('defaults to OIDC, never silently to the demo users, and names every missing variable on its own line', () => {
    expect(problemsOf({})).toEqual([
      'MR_CONSOLE_OIDC_ISSUER: required with MR_CONSOLE_AUTH=oidc (the default; MR_CONSOLE_AUTH=local runs the demo users instead); set it to the identity provider\'s issuer URL',
      'MR_CONSOLE_OIDC_CLIENT_ID: required with MR_CONSOLE_AUTH=oidc (the default; MR_CONSOLE_AUTH=local runs the demo users instead); set it to the client id registered for the console',
      'MR_CONSOLE_OIDC_REDIRECT_URL: required with MR_CONSOLE_AUTH=oidc (the default; MR_CONSOLE_AUTH=local runs the demo users instead); set it to https://<console host>/api/auth/oidc/callback, registered with the provider',
      'MR_CONSOLE_ROLE_GROUPS: required with MR_CONSOLE_AUTH=oidc (the default; MR_CONSOLE_AUTH=local runs the demo users instead); set it to JSON like {"viewer":["eng"],"operator":["sre-oncall"],"approver":["cab"]}',
      'MR_CONSOLE_SESSION_SECRET: required with MR_CONSOLE_AUTH=oidc (the default; MR_CONSOLE_AUTH=local runs the demo users instead); set it to a random secret of at least 32 characters shared by every console instance (openssl rand -base64 48)',
      'MR_CONSOLE_FORGE: required to open pull requests; set it to gitea or github',
      'MR_CONSOLE_FORGE_REPO: required to open pull requests; set it to the repository as owner/name',
    ]);
  });

  it('reports each bad value with what was expected and what it held, secrets by length only', () => {
    const problems = problemsOf({
      ...oidc,
      MR_REPO_ROOT: path.join(repo, 'regions'),
      MR_CONSOLE_AUTH: 'oidc',
      MR_CONSOLE_SESSION_SECRET: 'hunter2',
      MR_CONSOLE_OIDC_ISSUER: 'id.example.com',
      MR_CONSOLE_OIDC_REDIRECT_URL: 'https://console.example.com/callback',
      MR_CONSOLE_ROLE_GROUPS: '{"admin":["root"]}',
      MR_CONSOLE_OIDC_SCOPES: 'profile email',
      MR_CONSOLE_FORGE: 'gitlab',
      MR_CONSOLE_FORGE_REPO: 'orders-gitops',
      MR_CONSOLE_PROMETHEUS_URLS: '{"us-east-1":',
      MR_CONSOLE_GRAFANA_URL: 'javascript:alert(1)',
    });
    expect(problems).toEqual([
      `MR_REPO_ROOT: expected the repository root (a directory holding regions/global.yaml), got ${JSON.stringify(path.join(repo, 'regions'))}`,
      'MR_CONSOLE_SESSION_SECRET: expected a secret of at least 32 characters (openssl rand -base64 48), got a value of 7 characters',
      'MR_CONSOLE_OIDC_ISSUER: expected an http(s) URL, got "id.example.com"',
      'MR_CONSOLE_OIDC_REDIRECT_URL: expected the console\'s URL ending in /api/auth/oidc/callback, got "https://console.example.com/callback"',
      'MR_CONSOLE_ROLE_GROUPS: expected an object whose keys are roles (viewer, operator, approver), got "{\\"admin\\":[\\"root\\"]}"',
      'MR_CONSOLE_OIDC_SCOPES: expected scopes that include openid, got "profile email"',
      'MR_CONSOLE_FORGE: expected gitea or github, got "gitlab"',
      'MR_CONSOLE_FORGE_REPO: expected a GitHub repository like "example-org/orders-gitops", got "orders-gitops"',
      'MR_CONSOLE_PROMETHEUS_URLS: expected JSON like {"us-east-1":"http://prometheus.us-east-1.example:9090"}, got "{\\"us-east-1\\":"',
      'MR_CONSOLE_GRAFANA_URL: expected a Grafana panel embed URL (http or https; {region} stands for the region id), got "javascript:alert(1)"',
    ]);
  });

  it('never echoes a forge token or client secret, even a malformed one', () => {
    const problems = problemsOf({ ...localGitea, MR_CONSOLE_FORGE_TOKEN: 'ghp_secret value' }).join('\n');
    expect(problems).toBe('MR_CONSOLE_FORGE_TOKEN: expected a token of printable ASCII without spaces, got a value of 16 characters');
    expect(problemsOf({ ...oidc, ...localGitea, MR_CONSOLE_AUTH: 'oidc', MR_CONSOLE_OIDC_CLIENT_SECRET: 'top secret' })).toEqual([
      'MR_CONSOLE_OIDC_CLIENT_SECRET: expected a client secret of printable ASCII without spaces, got a value of 10 characters',
    ]);
  });

  it('locates a bad Prometheus override at the region it names', () => {
    expect(problemsOf({ ...localGitea, MR_CONSOLE_PROMETHEUS_URLS: '{"us-east-1":"ftp://x"}' })).toEqual([
      'MR_CONSOLE_PROMETHEUS_URLS: expected an http(s) URL at us-east-1, got "{\\"us-east-1\\":\\"ftp://x\\"}"',
    ]);
  });

  it('takes GitHub with a token or with a complete App, never both and never half an App', () => {
    const github = { MR_CONSOLE_AUTH: 'local', MR_CONSOLE_FORGE: 'github', MR_CONSOLE_FORGE_REPO: 'example-org/orders-gitops' };
    expect(parseConsoleConfig({ ...github, MR_CONSOLE_FORGE_TOKEN: 'ghp_x' }, repo).forge).toEqual({
      kind: 'github',
      url: 'https://api.github.com',
      repo: { owner: 'example-org', name: 'orders-gitops' },
      auth: { token: 'ghp_x' },
    });
    expect(problemsOf(github)).toEqual([
      'MR_CONSOLE_FORGE_TOKEN: required with MR_CONSOLE_FORGE=github unless a GitHub App is configured; set it to a token, or set MR_CONSOLE_GITHUB_APP_ID, MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE, MR_CONSOLE_GITHUB_INSTALLATION_ID',
    ]);
    expect(problemsOf({ ...github, MR_CONSOLE_FORGE_TOKEN: 'ghp_x', MR_CONSOLE_GITHUB_APP_ID: '1' })).toEqual([
      'MR_CONSOLE_FORGE_TOKEN: expected a token or a GitHub App, not both: MR_CONSOLE_GITHUB_APP_ID is set too',
    ]);
    expect(problemsOf({ ...github, MR_CONSOLE_GITHUB_APP_ID: '1', MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE: 'missing.pem' })).toEqual([
      'MR_CONSOLE_GITHUB_INSTALLATION_ID: required for a GitHub App (some of its variables are set); set it to the App installation\'s decimal id',
      'MR_CONSOLE_GITHUB_PRIVATE_KEY_FILE: expected the path of the GitHub App\'s private key (.pem) file, got "missing.pem"',
    ]);
  });
});
