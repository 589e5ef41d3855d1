import type { z } from 'zod';

/** A problem pinned to a file and a path inside it; errors are collected as values, never thrown one by one. */
export interface Located {
  /** Repository-relative file, e.g. `regions/us-west-2.ts`. */
  file: string;
  /** Dotted path inside the file, e.g. `traffic.weight` or `eks.nodeGroups[0].maxSize`; empty for the whole file. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
  /** 1-based position, where the source format can tell it (YAML, TypeScript syntax errors). */
  line?: number;
  column?: number;
}

export type PathSegment = PropertyKey;

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((acc, segment) => {
    if (typeof segment === 'number') return `${acc}[${segment}]`;
    const key = String(segment);
    // A key that is not plain printable ASCII (spaces, line breaks, look-alike letters) is quoted, so the
    // path stays on one line and shows what the key really is.
    if (!/^[!-~]+$/.test(key) || /[[\]"]/.test(key)) return `${acc}[${quoted(key)}]`;
    return acc === '' ? key : `${acc}.${key}`;
  }, '');
}

/** JSON string syntax with everything outside printable ASCII escaped: a Cyrillic "а" reads as \u0430. */
function quoted(value: string): string {
  return JSON.stringify(value).replace(/[^ -~]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `count(1, 'file')` → "1 file", `count(3, 'file')` → "3 files": reports read as sentences. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** `regions/us-west-2.ts: traffic.weight: expected an integer in 0..100, got 140` */
export function formatLocated(error: Located): string {
  const position = error.line === undefined ? '' : `:${error.line}:${error.column ?? 1}`;
  const path = error.path === '' ? '' : ` ${error.path}:`;
  return `${error.file}${position}:${path} ${error.message}`;
}

export function located(file: string, path: readonly PathSegment[] | string, expected: string, found: string, position?: Position): Located {
  return {
    file,
    path: typeof path === 'string' ? path : formatPath(path),
    message: `expected ${expected}, got ${found}`,
    expected,
    found,
    ...position,
  };
}

export interface Position {
  line: number;
  column: number;
}

/** A short, unambiguous rendering of a value for "got …" in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (typeof value === 'string') return quoted(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (Array.isArray(value)) {
    const json = JSON.stringify(value);
    return json.length <= 60 ? `${count(value.length, 'item')} ${json}` : `${value.length} items`;
  }
  if (value !== null && typeof value === 'object') {
    const json = JSON.stringify(value);
    return json.length <= 60 ? json : `an object with keys ${Object.keys(value).join(', ')}`;
  }
  return String(value);
}

/**
 * Zod's per-parse error map: phrases every built-in issue as the *expectation*, so that a formatted
 * issue always reads "expected <message>, got <value>". Messages set on a schema take precedence.
 */
export function expectation(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} items` : issue.origin === 'string' ? `at most ${issue.maximum} characters` : `a value ≤ ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'array' ? `at least ${issue.minimum} items` : issue.origin === 'string' ? `at least ${issue.minimum} characters` : `a value ≥ ${issue.minimum}`;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'unrecognized_keys':
      return 'only the documented keys (see the JSON Schema in schemas/)';
    case 'invalid_format':
      return `a valid ${issue.format}`;
    case 'invalid_key':
      // A record key that fails its own schema: say what that schema expects.
      return issue.issues[0]?.message ?? 'a valid key';
    default:
      return 'a valid value';
  }
}

export function issueToLocated(file: string, issue: z.core.$ZodIssue, positionOf?: (path: readonly PathSegment[]) => Position | undefined): Located {
  if (issue.code === 'unrecognized_keys') {
    const path = [...issue.path, issue.keys[0] ?? ''];
    return located(file, path, issue.message, `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`, positionOf?.(path));
  }
  const input = 'input' in issue ? issue.input : undefined;
  return located(file, issue.path, issue.message, describeValue(input), positionOf?.(issue.path));
}
