import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A relative link in a markdown file, with the line it is on (1-based). */
export interface MarkdownLink {
  file: string;
  line: number;
  target: string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const HTML_ANCHOR = /<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g;
const LINE_FRAGMENT = /^L(\d+)(?:-L(\d+))?$/;

/** Each line with its index, but for fenced code blocks (a fence closes on the same character, at least as long). */
function* linesOutsideFences(text: string): Generator<[number, string]> {
  let fence: string | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    const opening = FENCE.exec(line)?.[1];
    if (fence) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
    } else if (opening) {
      fence = opening;
    } else {
      yield [index, line];
    }
  }
}

/**
 * Relative links of a markdown document: inline links, images and reference definitions, outside fenced code
 * blocks and code spans (an example command in backticks is not a link). URLs with a scheme are not followed:
 * the specs run without network.
 */
export function relativeLinks(file: string, text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const [index, raw] of linesOutsideFences(text)) {
    const line = raw.replace(/(`+)[^`]*?\1/g, '');
    const targets = [...line.matchAll(INLINE_LINK)].map((match) => match[1]!);
    const definition = REFERENCE_DEFINITION.exec(line)?.[1];
    if (definition) targets.push(definition);
    for (const target of targets) {
      const bare = target.startsWith('<') ? target.slice(1, -1) : target;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(bare)) links.push({ file, line: index + 1, target: bare });
    }
  }
  return links;
}

/**
 * The anchors GitHub gives a markdown document's headings (github-slugger: lower case, punctuation dropped,
 * spaces to hyphens, `-1`, `-2` … for repeats) and its explicit `<a id>` / `<a name>` anchors.
 */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, line] of linesOutsideFences(text)) {
    for (const match of line.matchAll(HTML_ANCHOR)) anchors.add(match[1]!);
    const heading = HEADING.exec(line)?.[2];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const repeats = seen.get(slug) ?? 0;
    seen.set(slug, repeats + 1);
    anchors.add(repeats ? `${slug}-${repeats}` : slug);
  }
  return anchors;
}

function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .replace(/(^|\s)_+|_+(\s|$)/g, '$1$2');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Every link of `files` (repository-relative) that points at nothing: a missing or git-ignored file, a path
 * outside the repository, a heading the target document lacks, a line past the target's end. Each problem reads
 * `file:line: target: why`.
 */
export async function brokenLinks(root: string, files: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const texts = new Map<string, string | undefined>();
  const read = async (file: string) => {
    if (!texts.has(file)) texts.set(file, await readFile(path.join(root, file), 'utf8').catch(() => undefined));
    return texts.get(file);
  };
  const links: Array<MarkdownLink & { path: string; fragment?: string }> = [];
  for (const file of files) {
    const text = await read(file);
    if (text === undefined) {
      problems.push(`${file}: no such file`);
      continue;
    }
    for (const link of relativeLinks(file, text)) {
      const [target, fragment] = splitFragment(link.target);
      const decoded = percentDecoded(target);
      if (decoded === undefined) {
        problems.push(`${file}:${link.line}: ${link.target}: not a valid percent-encoded path`);
        continue;
      }
      const resolved = decoded ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decoded)) : file;
      links.push({ ...link, path: resolved.replace(/\/$/, ''), ...(fragment !== undefined ? { fragment } : {}) });
    }
  }
  const ignored = ignoredPaths(root, [...new Set(links.map((link) => link.path).filter((p) => !p.startsWith('..')))]);
  for (const link of links) {
    const where = `${link.file}:${link.line}: ${link.target}`;
    if (link.path.startsWith('..') || path.posix.isAbsolute(link.path)) {
      problems.push(`${where}: points outside the repository`);
      continue;
    }
    const kind = await stat(path.join(root, link.path)).then(
      (s) => (s.isDirectory() ? 'directory' : 'file'),
      () => undefined,
    );
    if (!kind) {
      problems.push(`${where}: ${link.path} does not exist`);
      continue;
    }
    if (ignored.has(link.path)) {
      problems.push(`${where}: ${link.path} is git-ignored, so a clone does not have it`);
      continue;
    }
    if (link.fragment === undefined) continue;
    if (kind === 'directory') {
      problems.push(`${where}: a directory has no anchor #${link.fragment}`);
      continue;
    }
    const text = (await read(link.path)) ?? '';
    const lines = LINE_FRAGMENT.exec(link.fragment);
    if (lines) {
      const count = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
      const last = Number(lines[2] ?? lines[1]);
      if (Number(lines[1]) < 1 || last > count || last < Number(lines[1])) problems.push(`${where}: ${link.path} has ${count} lines, not ${link.fragment}`);
    } else if (!link.path.endsWith('.md')) {
      problems.push(`${where}: #${link.fragment} is neither a heading nor a line (#L<n>) of ${link.path}`);
    } else if (!headingAnchors(text).has(percentDecoded(link.fragment) ?? link.fragment)) {
      problems.push(`${where}: ${link.path} has no heading #${link.fragment}`);
    }
  }
  return problems;
}

/** `%20` and friends decoded; undefined for a malformed escape, which no file is named by. */
function percentDecoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function splitFragment(target: string): [string, string | undefined] {
  const hash = target.indexOf('#');
  return hash < 0 ? [target, undefined] : [target.slice(0, hash), target.slice(hash + 1)];
}

/** The paths git ignores, asked once for all of them. */
function ignoredPaths(root: string, paths: string[]): Set<string> {
  if (!paths.length) return new Set();
  try {
    const output = execFileSync('git', ['check-ignore', '-z', '--stdin'], { cwd: root, input: paths.join('\0') + '\0', stdio: ['pipe', 'pipe', 'pipe'] });
    return new Set(output.toString().split('\0').filter(Boolean));
  } catch (error) {
    // check-ignore exits 1 when no path is ignored.
    if ((error as { status?: number }).status === 1) return new Set();
    throw error;
  }
}
