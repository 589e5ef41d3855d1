/**
 * Environment for a git command authenticating to a forge over HTTP basic auth (GitHub and Gitea both take a
 * token as the password). The header travels in `GIT_CONFIG_*` variables, never in the URL or the arguments,
 * so neither `ps` nor git's error messages can show it. Configuration already passed that way in `env` is kept:
 * the header is added after it. Returns only the variables to add.
 */
export function gitAuthConfig(user: string, token: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  return {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: String(count + 1),
    [`GIT_CONFIG_KEY_${count}`]: 'http.extraHeader',
    [`GIT_CONFIG_VALUE_${count}`]: `Authorization: Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`,
  };
}

/** `env` with {@link gitAuthConfig} added: the whole environment for a git child process. */
export function gitAuthEnv(user: string, token: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, ...gitAuthConfig(user, token, env) };
}
