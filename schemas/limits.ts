import { z } from 'zod';

/**
 * Field types for free text that reaches an output, each named for the system that receives it and
 * allowing only what that system documents as valid. An input that passes them cannot change the
 * meaning of what it lands in: a tag cannot override a computed tag, a CODEOWNERS rule cannot grow a
 * second owner, a reason cannot break a table row of the pull-request report.
 *
 * Names, keys, handles and paths are ASCII even where the receiver takes Unicode: a Cyrillic "а" or a
 * fullwidth "ａ" reads like its Latin twin in a diff, and a reviewer must see what they approve. Prose
 * (reasons) may use any letters, on one line.
 */

/** Tag keys the stacks compute. One list: the schema refuses them as user tags, the stacks type their tags by it. */
export const COMPUTED_TAG_KEYS = ['project', 'stack', 'region', 'role', 'residency', 'scope', 'managed-by', 'Name', 'tier', 'side'] as const;
export type ComputedTagKey = (typeof COMPUTED_TAG_KEYS)[number];

/** AWS's limit on tags per resource; the computed ones count against it. */
const AWS_MAX_TAGS = 50;
/** Letters, digits, spaces and `_ . : / = + - @`: AWS's tag character set, ASCII only. */
const AWS_TAG_CHARACTERS = /^[A-Za-z0-9 _.:/=+\-@]*$/;
/** AWS reserves the prefix in any letter case, for keys and values alike. */
const hasAwsPrefix = (value: string) => value.toLowerCase().startsWith('aws:');

export const awsTagKey = z
  .string()
  .min(1, { error: 'an AWS tag key of 1..128 characters' })
  .max(128, { error: 'an AWS tag key of 1..128 characters' })
  .regex(AWS_TAG_CHARACTERS, { error: 'an AWS tag key of ASCII letters, digits, spaces and _ . : / = + - @' })
  .refine((key) => !hasAwsPrefix(key), { error: 'an AWS tag key without the reserved "aws:" prefix' })
  // "project " would read as the computed key in a diff; "__proto__" would vanish from the parsed record.
  .refine((key) => key === key.trim(), { error: 'an AWS tag key without leading or trailing spaces' })
  .refine((key) => key !== '__proto__', { error: 'an AWS tag key other than "__proto__"' })
  .refine((key) => !COMPUTED_TAG_KEYS.some((computed) => computed.toLowerCase() === key.toLowerCase()), {
    error: `a tag key other than the computed ones (${COMPUTED_TAG_KEYS.join(', ')}, in any letter case)`,
  });

export const awsTagValue = z
  .string()
  .max(256, { error: 'an AWS tag value of at most 256 characters' })
  .regex(AWS_TAG_CHARACTERS, { error: 'an AWS tag value of ASCII letters, digits, spaces and _ . : / = + - @' })
  .refine((value) => !hasAwsPrefix(value), { error: 'an AWS tag value without the reserved "aws:" prefix' });

/** Tags set by an input, applied beside the computed ones, which always win. */
export const awsTags = z
  .record(awsTagKey, awsTagValue)
  .refine((tags) => Object.keys(tags).length <= AWS_MAX_TAGS - COMPUTED_TAG_KEYS.length, {
    error: `at most ${AWS_MAX_TAGS - COMPUTED_TAG_KEYS.length} tags (AWS allows ${AWS_MAX_TAGS} per resource, ${COMPUTED_TAG_KEYS.length} are computed)`,
  });

/** The Kubernetes API server's limit on a label value; owners become the `owner` label. */
export const KUBERNETES_LABEL_VALUE_MAX = 63;
/** The Kubernetes API server's limit on a ConfigMap key. */
export const KUBERNETES_CONFIG_MAP_KEY_MAX = 253;
/** The Kubernetes API server's limit on a container port name (an IANA service name). */
const KUBERNETES_PORT_NAME_MAX = 15;

/** A container port name: lower-case letters, digits and single inner hyphens, starting with a letter. */
export const kubernetesPortName = z
  .string()
  .regex(/^[a-z](-?[a-z0-9])*$/, { error: 'a port name of lower-case letters, digits and single inner hyphens, starting with a letter' })
  .max(KUBERNETES_PORT_NAME_MAX, { error: `a port name of at most ${KUBERNETES_PORT_NAME_MAX} characters` });

/** A Kyverno rule name; the ClusterPolicy CRD limits it to 63 characters. */
export const kyvernoRuleName = z
  .string({ error: 'a non-empty rule name' })
  .regex(/\S/, { error: 'a non-empty rule name' })
  .max(63, { error: 'a rule name of at most 63 characters (the ClusterPolicy CRD limit)' });

/** GitHub user and organisation names: alphanumerics and single inner hyphens, at most 39 characters. */
const GITHUB_ACCOUNT = '(?=[A-Za-z0-9-]{1,39}(?![A-Za-z0-9-]))[A-Za-z0-9](-?[A-Za-z0-9])*';
/** A team slug: alphanumerics, with `-`, `_` or `.` only between them. */
const GITHUB_TEAM = '[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?';

/**
 * `@user` or `@org/team` as CODEOWNERS expects it. At most 64 characters, so the `owner` label the
 * manifests derive from it (`org.team`) fits the 63 of a Kubernetes label value.
 */
export const githubHandle = z
  .string()
  .regex(new RegExp(`^@${GITHUB_ACCOUNT}(/${GITHUB_TEAM})?$`), { error: 'a GitHub handle like @org/platform-team or @user' })
  .max(KUBERNETES_LABEL_VALUE_MAX + 1, { error: `a GitHub handle of at most ${KUBERNETES_LABEL_VALUE_MAX + 1} characters (it becomes a Kubernetes label value)` });

/** `owner/name` of a GitHub repository: an account name, then 1..100 of letters, digits, `_ . -`. */
export const githubRepository = z
  .string()
  .regex(new RegExp(`^${GITHUB_ACCOUNT}/(?!\\.\\.?$)[A-Za-z0-9_.-]{1,100}$`), { error: 'a GitHub repository like "example-org/orders-gitops"' });

/**
 * One CODEOWNERS pattern: printable ASCII without spaces (a space separates the owners), without `#`
 * (a comment), and without the gitignore syntax GitHub ignores in CODEOWNERS (`\` escapes, `[ ]`
 * ranges, a leading `!`).
 */
export const codeownersPattern = z
  .string()
  .regex(/^(?!!)[!"$-Z^-~]+$/, { error: 'one CODEOWNERS pattern like /regions/ (printable ASCII without spaces, #, \\, [ ] or a leading !)' })
  .max(255, { error: 'a CODEOWNERS pattern of at most 255 characters' });

/** Control, format (bidirectional overrides, zero-width) and line- or paragraph-separator characters. */
const NOT_ONE_LINE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
export const SINGLE_LINE_TEXT_MAX = 500;

/**
 * Prose that ends up in a pull-request report (a markdown table cell, a SARIF message): one line of at
 * most 500 characters, without control or invisible characters. YAML's folded `>-` keeps a long reason
 * readable in the file and makes it one line.
 */
export function singleLineText(min: number, what: string) {
  return z
    .string({ error: what })
    .min(min, { error: min === 1 ? what : `${what} (at least ${min} characters)` })
    .max(SINGLE_LINE_TEXT_MAX, { error: `${what}, at most ${SINGLE_LINE_TEXT_MAX} characters` })
    .refine((text) => !NOT_ONE_LINE.test(text), { error: `${what}, on one line without control or invisible characters` });
}

/** A repository-relative file or dotted path named by a waiver: printable ASCII, no spaces, bounded. */
export function printableToken(what: string, max: number) {
  return z
    .string()
    .regex(/^[!-~]*$/, { error: `${what} of printable ASCII without spaces` })
    .max(max, { error: `${what} of at most ${max} characters` });
}

/** An absolute HTTP path; 255 characters is Route 53's limit on a health check's resource path. */
export const HTTP_PATH = /^\/[A-Za-z0-9._~\/-]*$/;
export function httpPath(example: string) {
  return z
    .string()
    .regex(HTTP_PATH, { error: `an absolute HTTP path like ${example}` })
    .max(255, { error: 'an HTTP path of at most 255 characters' });
}

/**
 * AWS's six-field cron expression (minutes, hours, day of month, month, day of week, year): digits,
 * month and day names and `* ? , - / L W #`, nothing a scheduler or Terraform would read differently.
 */
export const AWS_CRON = /^cron\([0-9A-Za-z*?,\/#-]+( [0-9A-Za-z*?,\/#-]+){5}\)$/;
export const awsCron = z
  .string()
  .regex(AWS_CRON, { error: 'an AWS cron expression with six fields like "cron(0 5 ? * * *)"' })
  .max(256, { error: 'an AWS cron expression of at most 256 characters' });

/** A git branch or tag Argo CD follows, by `git check-ref-format`'s rules, ASCII only. */
export const gitRef = z
  .string()
  .regex(/^(?![-./])(?!.*(\.\.|\/\/|\/\.|\.lock(\/|$)))[A-Za-z0-9._\/-]+(?<![/.])$/, { error: 'a branch name like main' })
  .max(255, { error: 'a branch name of at most 255 characters' });
