/**
 * URLs as the console and the CLIs show them: a configured URL may carry credentials (`https://user:token@host`,
 * `?access_token=…`), and whatever is shown reaches every viewer, the audit log and pull request bodies.
 */

/** Query parameters whose values are taken for credentials. */
const SECRET_PARAM = /token|secret|pass|pwd|key|sig|auth|cred|session|jwt/i;
const MASK = '***';

/** `https://user:token@host/p?access_token=t&q=1` → `https://***@host/p?access_token=***&q=1`. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i, `$1${MASK}@`)
    .replace(/([?&;])([^=&;#\s]*)=([^&;#\s)"'<>]*)/g, (pair, separator: string, name: string) => (SECRET_PARAM.test(name) ? `${separator}${name}=${MASK}` : pair));
}

/** Every URL in a message redacted as `redactUrl` does; the rest of the text as it is. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, redactUrl);
}
