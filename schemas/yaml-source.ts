import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { located, type Located, type PathSegment, type Position } from './located';
import { firstLineNestedTooDeep, MAX_NESTING } from './nesting-scan';

export interface ParsedYaml {
  value: unknown;
  errors: Located[];
  /** Where a path points in the source: the deepest node on the path that exists. */
  positionOf(path: readonly PathSegment[]): Position | undefined;
}

/** Parses YAML keeping node ranges, so that schema errors can name a line and column. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const deepLine = firstLineNestedTooDeep(text, '[{', true);
  if (deepLine !== undefined) {
    return { value: undefined, errors: [{ ...located(file, '', `YAML nested at most ${MAX_NESTING} levels deep`, 'deeper nesting'), line: deepLine, column: 1 }], positionOf: () => undefined };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors: Located[] = [...document.errors, ...document.warnings].map((error) => {
    const position = lineCounter.linePos(error.pos[0]);
    return {
      file,
      path: '',
      message: `expected valid YAML, got ${error.code}: ${error.message.split('\n')[0]}`,
      expected: 'valid YAML',
      found: error.message.split('\n')[0] ?? error.code,
      line: position.line,
      column: position.col,
    };
  });
  const positionOf = (path: readonly PathSegment[]): Position | undefined => {
    let node: unknown = document.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (const segment of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        // A key that is present but whose value is wrong is best shown at the value; an unknown key at the key.
        next = pair ? (pair.value ?? pair.key) : undefined;
        if (pair && isNode(pair.key) && pair.value === null) best = pair.key as Node;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (!isNode(next)) break;
      node = next;
      best = next;
    }
    const offset = best?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (errors.length) return { value: undefined, errors, positionOf };
  try {
    return { value: document.toJS(), errors, positionOf };
  } catch (error) {
    // yaml refuses to expand aliases past its maxAliasCount ("billion laughs"): a few lines that would become gigabytes.
    return { value: undefined, errors: [located(file, '', 'YAML that converts to plain data', (error as Error).message)], positionOf };
  }
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}
