import type { SessionUser } from './session';

/**
 * The fixed users of the local demo mode (`MR_CONSOLE_AUTH=local`). Anyone who reaches the console can pick
 * any of them, which is why every page says it runs in local demo mode. The demo's Gitea is seeded from this
 * list (`console/testing/gitea.ts`), so commits and pull requests name the person who asked.
 */
export const DEMO_USERS = [
  { login: 'alice', name: 'Alice Okafor', email: 'alice@example.com', role: 'operator' },
  { login: 'bob', name: 'Bob Lindqvist', email: 'bob@example.com', role: 'operator' },
  { login: 'vera', name: 'Vera Novak', email: 'vera@example.com', role: 'viewer' },
  { login: 'carol', name: 'Carol Reyes', email: 'carol@example.com', role: 'approver' },
] as const satisfies readonly SessionUser[];

export function demoUser(login: string): SessionUser | undefined {
  return DEMO_USERS.find((user) => user.login === login);
}
