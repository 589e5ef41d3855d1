import { AUTH_ROUTES, type AuthMode, type SessionUser } from '../auth';
import { hasRole, roleRefusal } from '../auth/roles';
import { publicProcedure, router } from '../trpc';

export interface Me {
  mode: AuthMode;
  /** Local demo mode: every page says so. */
  demo: boolean;
  /** Null when signed out; the UI sends the browser to `signInUrl`. */
  user: (SessionUser & { handle: string }) | null;
  expiresAt: string | null;
  signInUrl: string;
  signOutUrl: string;
  /** Whether this user may preview and submit change requests, and if not, the reason the disabled controls show. */
  canSubmit: boolean;
  cannotSubmitBecause: string | null;
  /** A Grafana panel embed URL with `{region}` for the region id, or null when none is configured. */
  grafanaUrl: string | null;
}

export const sessionRouter = router({
  me: publicProcedure.query(({ ctx }): Me => {
    const { session, services } = ctx;
    const user = session?.user;
    const canSubmit = user !== undefined && hasRole(user.role, 'operator');
    return {
      mode: services.authMode,
      demo: services.authMode === 'local',
      user: user ? { ...user, handle: `@${user.login}` } : null,
      expiresAt: session?.expiresAt ?? null,
      signInUrl: AUTH_ROUTES.signIn,
      signOutUrl: AUTH_ROUTES.signOut,
      canSubmit,
      cannotSubmitBecause: canSubmit ? null : user ? roleRefusal('operator', user) : 'Sign in to submit change requests.',
      grafanaUrl: services.grafanaUrl ?? null,
    };
  }),
});
