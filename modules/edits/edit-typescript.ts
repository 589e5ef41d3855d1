import ts from 'typescript';
import { EditRefused, type LiteralValue, type ValueEdit } from './edit-refused';

/**
 * Sets values in a TypeScript input (`export default { … } satisfies RegionInput`) by replacing only the
 * text span of each literal, found through the compiler's syntax tree: comments, blank lines, quoting and
 * layout of everything else stay byte for byte. A value the source computes (an expression, a spread, a
 * shorthand, an imported constant) is refused: rewriting it would change what the author wrote.
 */
export function editTypeScriptInput(source: string, file: string, edits: readonly ValueEdit[]): string {
  return edits.reduce((text, edit) => applyEdit(text, file, edit), source);
}

interface Span {
  start: number;
  end: number;
  text: string;
}

function applyEdit(source: string, file: string, edit: ValueEdit): string {
  const sourceFile = parse(source, file);
  // Spans are disjoint and applied from the end, so earlier offsets stay valid.
  return spansFor(sourceFile, file, edit)
    .sort((a, b) => b.start - a.start)
    .reduce((text, span) => `${text.slice(0, span.start)}${span.text}${text.slice(span.end)}`, source);
}

function parse(source: string, file: string): ts.SourceFile {
  // transpileModule reports syntax errors only, which is all an edit by span needs to trust the tree.
  const { diagnostics } = ts.transpileModule(source, { fileName: file, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const syntax = diagnostics?.find((diagnostic) => diagnostic.start !== undefined);
  if (syntax) {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(syntax.start!);
    throw EditRefused.at(file, [], 'TypeScript that parses', ts.flattenDiagnosticMessageText(syntax.messageText, ' '), { line: line + 1, column: character + 1 });
  }
  return sourceFile;
}

function spansFor(sourceFile: ts.SourceFile, file: string, { path, value }: ValueEdit): Span[] {
  const refuse = (at: readonly string[], expected: string, found: string, node?: ts.Node) => {
    const position = node ? sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)) : undefined;
    return EditRefused.at(file, at, expected, found, position ? { line: position.line + 1, column: position.character + 1 } : undefined);
  };
  const exported = defaultExport(sourceFile);
  if (!exported) throw refuse([], 'a default export (export default { … } satisfies …)', 'no default export');
  const top = unwrap(exported);
  if (!ts.isObjectLiteralExpression(top)) throw refuse([], 'an object literal as the default export', `a computed value (${describe(sourceFile, top)}); edit ${file} by hand`, top);
  let object = top;

  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth]!;
    const at = path.slice(0, depth + 1);
    const found = property(sourceFile, file, object, key, at);
    if (!found) return insertion(sourceFile, object, path.slice(depth), value);
    const initializer = unwrap(found.initializer);
    if (depth === path.length - 1) {
      if (!isLiteral(initializer)) throw refuse(at, `a literal value that can be replaced (${JSON.stringify(value)})`, `a computed value (${describe(sourceFile, initializer)}); edit ${file} by hand`, initializer);
      return [{ start: initializer.getStart(sourceFile), end: initializer.getEnd(), text: literalText(value, initializer) }];
    }
    if (!ts.isObjectLiteralExpression(initializer)) throw refuse(at, 'an object literal', `a computed value (${describe(sourceFile, initializer)}); edit ${file} by hand`, initializer);
    object = initializer;
  }
  throw refuse([], 'a property path', 'an empty path');
}

function defaultExport(sourceFile: ts.SourceFile): ts.Expression | undefined {
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) return statement.expression;
  }
  return undefined;
}

/** `x satisfies T`, `x as T`, `(x)` and `x!` evaluate to `x`. */
function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isSatisfiesExpression(current) || ts.isAsExpression(current) || ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

/**
 * The one plain `key: value` of `key` in an object literal. A spread or a computed key may set the same
 * property at run time, and a repeated key makes the earlier one dead text: each is refused.
 */
function property(sourceFile: ts.SourceFile, file: string, object: ts.ObjectLiteralExpression, key: string, at: readonly string[]): ts.PropertyAssignment | undefined {
  const refuse = (expected: string, found: string, node: ts.Node) => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    return EditRefused.at(file, at, expected, found, { line: line + 1, column: character + 1 });
  };
  const matches: ts.ObjectLiteralElementLike[] = [];
  for (const element of object.properties) {
    if (ts.isSpreadAssignment(element)) throw refuse('an object without spreads around the value', `a spread (${describe(sourceFile, element)}) that may set it; edit ${file} by hand`, element);
    const name = element.name && propertyName(element.name);
    if (name === undefined) throw refuse('an object with plain property names', `a computed property name (${describe(sourceFile, element.name ?? element)}); edit ${file} by hand`, element);
    if (name === key) matches.push(element);
  }
  if (matches.length > 1) throw refuse('the property once', `${matches.length} definitions of ${key}`, matches[1]!);
  const [match] = matches;
  if (!match) return undefined;
  if (!ts.isPropertyAssignment(match)) throw refuse('a `key: value` property', `a computed value (${describe(sourceFile, match)}); edit ${file} by hand`, match);
  return match;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function isLiteral(node: ts.Expression): boolean {
  return (
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    ts.isNumericLiteral(node) ||
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand))
  );
}

/** The value as source text; a string keeps the quote style of the literal it replaces. */
function literalText(value: LiteralValue, replacing?: ts.Node): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as a TypeScript literal`);
    return String(value);
  }
  const quote = replacing && ts.isStringLiteral(replacing) && replacing.getText().startsWith('"') ? '"' : "'";
  const body = JSON.stringify(value).slice(1, -1);
  return quote === '"' ? `"${body}"` : `'${body.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function keyText(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : literalText(key);
}

/**
 * A property the file leaves to its schema default (`readOnly` is optional) is added to the innermost
 * object that exists, in that object's layout: on its own line in a multi-line object, inline otherwise.
 */
function insertion(sourceFile: ts.SourceFile, object: ts.ObjectLiteralExpression, rest: readonly string[], value: LiteralValue): Span[] {
  const text = rest.reduceRight<string>((inner, key, index) => (index === rest.length - 1 ? `${keyText(key)}: ${literalText(value)}` : `${keyText(key)}: { ${inner} }`), '');
  const last = object.properties.at(-1);
  if (!last) return [{ start: object.getStart(sourceFile), end: object.getEnd(), text: `{ ${text} }` }];
  const lineOf = (position: number) => sourceFile.getLineAndCharacterOfPosition(position).line;
  const multiLine = lineOf(object.getStart(sourceFile)) !== lineOf(last.getStart(sourceFile));
  if (!multiLine) return [{ start: last.getEnd(), end: last.getEnd(), text: `, ${text}` }];
  const lineStart = sourceFile.getPositionOfLineAndCharacter(lineOf(last.getStart(sourceFile)), 0);
  const indent = /^[ \t]*/.exec(sourceFile.text.slice(lineStart))![0];
  // The new line goes after the comments that close the last property's line, which stay with that property.
  const trailingComma = object.properties.hasTrailingComma;
  const after = trailingComma ? object.properties.end : last.getEnd();
  const lineEnd = ts.getTrailingCommentRanges(sourceFile.text, after)?.at(-1)?.end ?? after;
  const line = { start: lineEnd, end: lineEnd, text: `\n${indent}${text}${trailingComma ? ',' : ''}` };
  return trailingComma ? [line] : [{ start: last.getEnd(), end: last.getEnd(), text: ',' }, line];
}

function describe(sourceFile: ts.SourceFile, node: ts.Node): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
