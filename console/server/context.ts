import type { AuditLog } from './audit/audit-log';
import type { AuthMode, Session } from './auth';
import type { ChangeService } from './changes';
import type { MetricsService } from './metrics';

/** What the procedures work with: built once per process by `services.ts`, or by a spec for its own repository. */
export interface Services {
  changes: ChangeService;
  metrics: MetricsService;
  audit: AuditLog;
  /** The console's checkout (MR_REPO_ROOT): it seeds the mirror. What is configured is `metrics.model()`, the forge's default branch. */
  repoDir: string;
  authMode: AuthMode;
  /** A Grafana panel embed URL (`{region}` stands for the region id), when one is configured. */
  grafanaUrl?: string;
  now: () => Date;
}

export interface Context {
  /** Undefined when the request carries no valid session cookie. */
  session: Session | undefined;
  services: Services;
}

export function createContext({ session, services }: Context): Context {
  return { session, services };
}
