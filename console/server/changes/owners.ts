import type { Global } from '../../../schemas';

/**
 * Reviewers for a set of changed files from the model's owner rules, read as GitHub reads CODEOWNERS: for
 * each file the last matching rule wins. `@org/team` becomes the team's slug when the org is the repository's
 * owner (a forge only takes its own organisation's teams), `@user` the user; the requester is never asked
 * to review their own change.
 */
export function reviewersFor(
  owners: Global['owners'],
  files: readonly string[],
  options: { organisation: string; requester: string },
): { users: string[]; teams: string[] } {
  const users = new Set<string>();
  const teams = new Set<string>();
  for (const file of files) {
    const rule = owners.findLast((candidate) => codeownersMatches(candidate.path, file));
    for (const handle of rule?.owners ?? []) {
      const [account = '', team] = handle.slice(1).split('/');
      if (team !== undefined) {
        if (account.toLowerCase() === options.organisation.toLowerCase()) teams.add(team);
      } else if (account.toLowerCase() !== options.requester.toLowerCase()) {
        users.add(account);
      }
    }
  }
  return { users: [...users].sort(), teams: [...teams].sort() };
}

/**
 * CODEOWNERS patterns (gitignore syntax without negation), matching policies/opa/lib/change.rego:
 * "*" matches every path; a leading "/" or an inner "/" anchors at the root, otherwise the pattern matches at
 * any depth; a trailing "/" matches only below that directory; a last segment "*" matches the directory's own
 * files; any other pattern also matches everything below the directory it names.
 */
export function codeownersMatches(pattern: string, file: string): boolean {
  if (pattern === '*') return file !== '';
  const body = stripPrefix(stripSuffix(stripPrefix(pattern, '/'), '/'), '**/');
  if (body === '') return false;
  const segments = file.split('/');
  const n = segments.length;
  const anchored = !stripPrefix(pattern, '/').startsWith('**/') && stripSuffix(pattern, '/').includes('/');
  const forms = [body, body.replace('/**/', '/')].map(globRegExp);
  const lastIsStar = body.split('/').at(-1) === '*';
  for (let start = 0; start <= (anchored ? 0 : n - 1); start++) {
    for (let end = start + 1; end <= n; end++) {
      const allowed = pattern.endsWith('/') ? end < n : lastIsStar ? end === n : true;
      if (!allowed) continue;
      const candidate = segments.slice(start, end).join('/');
      if (forms.some((form) => form.test(candidate))) return true;
    }
  }
  return false;
}

/** `*` and `?` stay within a path segment, `**` crosses them. */
function globRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const character = glob[i]!;
    if (character === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const stripPrefix = (text: string, prefix: string) => (text.startsWith(prefix) ? text.slice(prefix.length) : text);
const stripSuffix = (text: string, suffix: string) => (text.endsWith(suffix) ? text.slice(0, -suffix.length) : text);
