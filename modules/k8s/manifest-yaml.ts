/**
 * Renders a manifest (plain JSON data: maps, arrays, strings, numbers, booleans, null) as block YAML.
 *
 * Synth writes thousands of manifests for a large model, and the general-purpose `yaml` package spent
 * most of the Kubernetes half of synth building a document tree for each. Manifests need none of what that
 * tree is for (comments, anchors, tags, flow style), so this writes the text directly. It errs towards
 * quoting: a string is left plain only when no YAML 1.1 or 1.2 reader (Kubernetes' own is YAML 1.1) could
 * take it for anything but that string; everything else is JSON-quoted, which YAML reads as the same string.
 */
export function manifestYaml(value: unknown): string {
  return `${block(value, 0).join('\n')}\n`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function block(value: unknown, indent: number): string[] {
  const json = value as Json;
  if (Array.isArray(json)) return json.length ? sequence(json, indent) : ['[]'];
  if (json !== null && typeof json === 'object') return Object.keys(json).length ? mapping(json, indent) : ['{}'];
  return [scalar(json, indent)];
}

function mapping(object: { [key: string]: Json }, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    const head = `${pad}${plainOrQuoted(key)}:`;
    if (isNested(value)) {
      // Sequences under a key are indented like the yaml package does (indentSeq), so diffs stay familiar.
      lines.push(head, ...block(value, indent + 2));
    } else {
      const [first, ...rest] = block(value, indent + 2);
      lines.push(`${head} ${first}`, ...rest);
    }
  }
  return lines;
}

function sequence(items: Json[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const item of items) {
    const [first, ...rest] = block(item, indent + 2);
    lines.push(`${pad}- ${isNested(item) ? first!.trimStart() : first}`, ...rest);
  }
  return lines;
}

const isNested = (value: Json): boolean =>
  value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);

function scalar(value: Json, indent: number): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`manifestYaml: expected a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') throw new Error(`manifestYaml: expected JSON data, got ${typeof value}`);
  return value.includes('\n') && literalBlockSafe(value) ? literalBlock(value, indent) : plainOrQuoted(value);
}

/** Words YAML 1.1 (Kubernetes) or 1.2 reads as booleans, null, a merge key or a value key when unquoted. */
const SPECIAL_WORDS = /^(y|n|yes|no|true|false|on|off|null|~|=|<<|[-+]?\.inf|\.nan)$/i;
/**
 * YAML's printable characters without tab, line breaks (YAML 1.1 counts U+2028 and U+2029 as such) and the
 * byte-order mark; what must not start a plain scalar, or appear in one, is checked below.
 */
const PRINTABLE = '\\x20-\\x7e\\u00a0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd';
const PLAIN_CHARS = new RegExp(`^[${PRINTABLE}]+$`);
const PRINTABLE_LINE = new RegExp(`^[${PRINTABLE}]*$`);
/**
 * What YAML 1.2's core schema or YAML 1.1 (as Kubernetes' reader resolves it: Go's integer parser with
 * base prefixes and underscores, its float syntax, sexagesimal numbers, dates) could take for a number or a
 * timestamp. A string led by a digit, a sign or a dot stays plain only when none of these match.
 */
const NUMBER_OR_DATE = [
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0o[0-7_]+$/i,
  /^[-+]?0x[0-9a-f_]+$/i,
  /^[-+]?0b[01_]+$/i,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/,
  /^[-+]?(\.[0-9][0-9_]*|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|$)/,
];

function plainOrQuoted(text: string): string {
  return isPlainSafe(text) ? text : JSON.stringify(text);
}

function isPlainSafe(text: string): boolean {
  if (!PLAIN_CHARS.test(text) || SPECIAL_WORDS.test(text)) return false;
  if (text !== text.trim() || text.endsWith(':') || text.includes(': ') || text.includes(' #')) return false;
  if (/^[,\[\]{}#&*!|>'"%@`]/.test(text) || /^(---|\.\.\.)/.test(text)) return false;
  // `-`, `?` and `:` start a plain scalar only when a non-space follows; otherwise they are indicators.
  if (/^[-?:](\s|$)/.test(text)) return false;
  if (/^[-+]?\.?\d/.test(text)) return !NUMBER_OR_DATE.some((pattern) => pattern.test(text));
  return true;
}

/** Multi-line text reads best as a literal block, when nothing in it needs escaping or an indentation indicator. */
function literalBlockSafe(text: string): boolean {
  const lines = text.replace(/\n+$/, '').split('\n');
  return !/[\r\t]/.test(text) && !/^\s/.test(text) && lines.every((line) => line === line.trimEnd() && PRINTABLE_LINE.test(line));
}

function literalBlock(text: string, indent: number): string {
  const trailing = /\n*$/.exec(text)![0].length;
  const chomp = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  const pad = ' '.repeat(indent);
  const body = text.slice(0, text.length - trailing).split('\n').map((line) => (line ? `${pad}${line}` : ''));
  // Keep chomping: trailing line breaks beyond the first are empty lines of the block.
  return [chomp, ...body, ...Array.from({ length: Math.max(0, trailing - 1) }, () => '')].join('\n');
}
