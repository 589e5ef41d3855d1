import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openAuditLog } from './audit/audit-log';
import type { AuthMode, AuthSettings } from './auth';
import { createChangeService } from './changes';
import { parseConsoleConfig, type ConsoleConfig, type ForgeConfig } from './config';
import type { Services } from './context';
import type { Forge } from './forges/forge';
import { createGiteaForge } from './forges/gitea';
import { createGitHubForge } from './forges/github';
import { createMetricsService, defaultBranchOrigin } from './metrics';

interface ProcessState {
  config?: ConsoleConfig;
  auth?: AuthSettings;
  services?: Services;
}

// Next.js may evaluate this module once per route bundle: the process keeps one set of services on globalThis.
const store = globalThis as typeof globalThis & { [key: symbol]: ProcessState | undefined };
const KEY = Symbol.for('multi-region-gitops.console.services');
const state: ProcessState = (store[KEY] ??= {});

/** The configuration from the environment; throws a `ConsoleConfigError` listing every bad variable. */
export function consoleConfig(): ConsoleConfig {
  return (state.config ??= parseConsoleConfig(process.env, process.cwd()));
}

/**
 * How the console authenticates. The local demo signs its cookies with a secret made for this process
 * unless `MR_CONSOLE_SESSION_SECRET` is set: a restart signs everyone out, which a demo can afford.
 */
export function authSettings(): AuthSettings {
  if (!state.auth) {
    const { auth } = consoleConfig();
    state.auth = auth.mode === 'oidc' ? auth : { mode: 'local', secret: auth.secret ?? randomBytes(32).toString('base64url') };
  }
  return state.auth;
}

function createForge(forge: ForgeConfig): Forge {
  if (forge.kind === 'gitea') return createGiteaForge({ url: forge.url, repo: forge.repo, token: forge.token });
  const { auth } = forge;
  return createGitHubForge({
    baseUrl: forge.url,
    repo: forge.repo,
    auth: 'token' in auth ? auth : { appId: auth.appId, installationId: auth.installationId, privateKey: readFileSync(auth.privateKeyFile, 'utf8') },
  });
}

/** The services a configuration describes; the process builds them once, specs for their own repository and forge. */
export function createServices(config: ConsoleConfig, authMode: AuthMode): Services {
  const forge = createForge(config.forge);
  // The release barrier reads the Prometheus the overview reads.
  const prometheusUrls = config.prometheusUrls ? { prometheusUrls: config.prometheusUrls } : {};
  const changes = createChangeService({ repoDir: config.repoDir, stateDir: config.stateDir, forge, health: () => metrics.health(), ...prometheusUrls });
  // What is configured is what the forge's default branch holds, read through the change service's mirror: a merged change request shows without anyone pulling the checkout.
  const metrics = createMetricsService({ origin: defaultBranchOrigin(changes, `${forge.repo.owner}/${forge.repo.name}`), ...prometheusUrls });
  return {
    changes,
    metrics,
    audit: openAuditLog(config.stateDir),
    repoDir: config.repoDir,
    authMode,
    ...(config.grafanaUrl ? { grafanaUrl: config.grafanaUrl } : {}),
    now: () => new Date(),
  };
}

/** The process's services, built on first use: the metrics service starts reading every region's Prometheus then. */
export function services(): Services {
  return (state.services ??= createServices(consoleConfig(), authSettings().mode));
}
