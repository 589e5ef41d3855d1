import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type ToStringOptions } from 'yaml';
import { EditRefused, type ValueEdit } from './edit-refused';

export type YamlEdit =
  | ({ op: 'set' } & ValueEdit)
  /** Appends `item` to the sequence at `path`, creating the key when the file leaves it to its default. */
  | { op: 'append'; path: readonly string[]; item: unknown }
  /** Replaces the whole value at `path` (a list of releases, say) with `value`, keeping the comments around it. */
  | { op: 'replace'; path: readonly string[]; value: unknown };

/**
 * Edits a YAML input through the `yaml` Document API, so comments, blank lines, key order and quoting of
 * everything not edited survive: a scalar keeps its node (and its comment), only its value changes.
 */
export function editYamlInput(source: string, file: string, edits: readonly YamlEdit[]): string {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const [problem] = [...document.errors, ...document.warnings];
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    throw EditRefused.at(file, [], 'YAML that parses', `${problem.code}: ${problem.message.split('\n')[0]}`, { line, column: col });
  }
  if (!isMap(document.contents)) throw EditRefused.at(file, [], 'a YAML mapping at the top level', document.contents === null ? 'an empty document' : 'another kind of document');
  const options = outputOptions(document, source);
  for (const edit of edits) {
    if (edit.op === 'append') checkPath(document, file, lineCounter, edit.path, 'list');
    else checkPath(document, file, lineCounter, edit.path.slice(0, -1), 'mapping');
    switch (edit.op) {
      case 'set': {
        const current = document.getIn(edit.path, true);
        if (current !== undefined && !isScalar(current)) throw EditRefused.at(file, edit.path, `a single value at ${edit.path.join('.')}`, isSeq(current) ? 'a list' : 'a mapping');
        document.setIn(edit.path, edit.value);
        break;
      }
      case 'append':
        // addIn on a missing key would set the item itself there, not a list holding it.
        if (document.hasIn(edit.path)) document.addIn(edit.path, document.createNode(edit.item));
        else document.setIn(edit.path, document.createNode([edit.item]));
        break;
      case 'replace':
        document.setIn(edit.path, document.createNode(edit.value));
        break;
    }
  }
  return document.toString(options);
}

/**
 * lineWidth 0 keeps a long reason on its line, as the files' writers (promote, people) keep it. Whether
 * flow lists are padded (`[ a ]`) is the file's own style, which the Document does not record: the setting
 * that prints the unedited file back unchanged is the one the edit uses.
 */
function outputOptions(document: Document, source: string): ToStringOptions {
  const candidates: ToStringOptions[] = [{ lineWidth: 0, flowCollectionPadding: false }, { lineWidth: 0, flowCollectionPadding: true }];
  return candidates.find((options) => document.toString(options) === source) ?? candidates[0]!;
}

/**
 * Every existing node on the way must be a plain mapping, and the last one the kind the edit needs: an alias
 * or a scalar in the way would make the edit land somewhere the reader does not expect, or throw half-way.
 */
function checkPath(document: Document, file: string, lineCounter: LineCounter, path: readonly string[], last: 'mapping' | 'list'): void {
  for (let depth = 1; depth <= path.length; depth++) {
    const at = path.slice(0, depth);
    const node = document.getIn(at, true);
    if (node === undefined) return;
    const expected = depth === path.length ? last : 'mapping';
    if (expected === 'mapping' ? isMap(node) : isSeq(node)) continue;
    const offset = (node as { range?: [number, number, number] }).range?.[0];
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    const found = isScalar(node) ? `the value ${JSON.stringify(node.value)}` : isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : 'an alias or another kind of node';
    throw EditRefused.at(file, at, `a ${expected}`, found, position ? { line: position.line, column: position.col } : undefined);
  }
}
