/**
 * Terraform evaluates every string of a `.tf.json` file as a template: `${ … }` interpolates an
 * expression, `%{ … }` runs a directive, `$${` and `%%{` are the literal `${` and `%{`. This module
 * parses those templates and judges each interpolation against the forms the constructs produce, so
 * that an input string smuggled into a stack (`${file("/etc/hostname")}`) is refused before Terraform
 * ever reads it.
 *
 * The parser accepts a deliberately small part of Terraform's expression language: references,
 * function calls, string (and string template) and number literals, `for` expressions with an `if`
 * comparison. Anything else (operators, conditionals, heredocs, comments, splats, strip markers) is a
 * syntax error here even where Terraform would accept it; the constructs never write it.
 */

export type Expression =
  /** `aws_s3_bucket.logs.arn`, `data.aws_caller_identity.account.account_id`, `val.fqdn`, `x[0]`, `x["k"]`. */
  | { kind: 'reference'; root: string; steps: Array<string | number> }
  /** `replace(a, ":cluster/", ":topic/")`; a provider-defined function keeps its `provider::…::…` name. */
  | { kind: 'call'; name: string; args: Expression[] }
  | { kind: 'string'; value: string }
  /** A quoted string with interpolations of its own. */
  | { kind: 'template'; parts: TemplatePart[] }
  | { kind: 'number'; value: number }
  /** `[for k, v in coll : value if cond]`, or `{for k, v in coll : key => value}` when `key` is set. */
  | { kind: 'for'; keyVariable?: string; valueVariable: string; collection: Expression; key?: Expression; value: Expression; condition?: Expression }
  | { kind: 'comparison'; operator: '==' | '!='; left: Expression; right: Expression };

export type TemplatePart =
  | { kind: 'literal'; text: string }
  | { kind: 'interpolation'; source: string; expression: Expression }
  /** An interpolation that is unclosed or outside the accepted syntax; `reason` says where it broke. */
  | { kind: 'invalid'; source: string; reason: string }
  | { kind: 'directive'; source: string };

/** Splits a template into literal text, interpolations and directives, reading `$${` and `%%{` as Terraform does. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  // Leftmost first, escapes before sequences at the same position: Terraform's own reading of `$$${x}` (`$` then a literal `${x}`).
  const marker = /\$\$\{|%%\{|\$\{|%\{/g;
  for (let found = marker.exec(text); found; found = marker.exec(text)) {
    literal += text.slice(i, found.index);
    i = found.index + found[0].length;
    if (found[0].length === 3) {
      literal += found[0].slice(1);
      continue;
    }
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
    const end = closingBrace(text, i);
    parts.push(sequence(text, found.index, end));
    if (end < 0) return parts;
    i = marker.lastIndex = end + 1;
  }
  literal += text.slice(i);
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** The `${ … }` or `%{ … }` opened at `start` and closed at `end` (-1: never closed). */
function sequence(text: string, start: number, end: number): TemplatePart {
  const source = end < 0 ? text.slice(start) : text.slice(start, end + 1);
  if (text[start] === '%') return { kind: 'directive', source };
  if (end < 0) return { kind: 'invalid', source, reason: 'no closing }' };
  try {
    return { kind: 'interpolation', source, expression: parseExpression(text.slice(start + 2, end)) };
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    return { kind: 'invalid', source, reason: error.message };
  }
}

/**
 * The functions an interpolation may call: those the constructs call (element, one, replace, tolist)
 * and the conversions cdktn's iterators wrap a collection in (toset, tomap). All are pure; none reads
 * a file, the environment or the network, as `file`, `templatefile`, `fileset`, `abspath` or a
 * provider-defined `provider::…` function would.
 */
export const ALLOWED_FUNCTIONS: readonly string[] = ['element', 'one', 'replace', 'tolist', 'tomap', 'toset'];

/**
 * What a reference may name: the stack's own resources (`type.name`), data sources (`type.name`) and
 * locals. Input variables (`var.…`) are not among them: the stacks declare none, and a variable takes
 * its value from the run's environment (`TF_VAR_…`), not from the repository.
 */
export interface StackDeclarations {
  resources: ReadonlySet<string>;
  data: ReadonlySet<string>;
  locals: ReadonlySet<string>;
}

export function stackDeclarations(config: Record<string, unknown>): StackDeclarations {
  const blocks = (value: unknown) =>
    new Set(Object.entries(objectOrEmpty(value)).flatMap(([type, byName]) => Object.keys(objectOrEmpty(byName)).map((name) => `${type}.${name}`)));
  return { resources: blocks(config.resource), data: blocks(config.data), locals: new Set(Object.keys(objectOrEmpty(config.locals))) };
}

const EXPECTED_INTERPOLATION = 'a reference or an allowed function call';
const EXPECTED_NO_DIRECTIVE = 'no template directive (%%{ writes a literal %{)';

export interface TemplateProblem {
  expected: string;
  found: string;
}

/** Every interpolation and directive in a template, and those that are not of a form the constructs produce. */
export function judgeTemplate(text: string, declarations: StackDeclarations): { judged: number; problems: TemplateProblem[] } {
  let judged = 0;
  const problems: TemplateProblem[] = [];
  for (const part of parseTemplate(text)) {
    if (part.kind === 'literal') continue;
    judged++;
    const shown = part.source.length > SHOWN_SOURCE ? `${part.source.slice(0, SHOWN_SOURCE - 3)}...` : part.source;
    if (part.kind === 'directive') problems.push({ expected: EXPECTED_NO_DIRECTIVE, found: shown });
    else {
      const reason = partRefusal(part, { ...declarations, bound: new Set() });
      if (reason) problems.push({ expected: EXPECTED_INTERPOLATION, found: `${shown} (${reason})` });
    }
  }
  return { judged, problems };
}

const SHOWN_SOURCE = 120;

interface Scope extends StackDeclarations {
  /** The variables of the `for` expressions around the expression judged. */
  bound: ReadonlySet<string>;
}

/**
 * Why an expression is not of a form the constructs produce, or undefined. An interpolation is a
 * reference, a call or a `for` expression; literals appear only as arguments, values and comparands,
 * and a comparison only as a `for` expression's `if`.
 */
function refusal(expression: Expression, scope: Scope, role: 'interpolation' | 'operand'): string | undefined {
  switch (expression.kind) {
    case 'string':
    case 'number':
      return role === 'operand' ? undefined : 'a bare literal';
    case 'template':
      return role === 'operand' ? firstRefusal(expression.parts.map((part) => partRefusal(part, scope))) : 'a bare literal';
    case 'comparison':
      return 'a comparison outside the if of a for expression';
    case 'reference':
      return referenceRefusal(expression, scope);
    case 'call':
      if (!ALLOWED_FUNCTIONS.includes(expression.name)) return `${expression.name} is not an allowed function (${ALLOWED_FUNCTIONS.join(', ')})`;
      return firstRefusal(expression.args.map((arg) => refusal(arg, scope, 'operand')));
    case 'for': {
      const inner = { ...scope, bound: new Set([...scope.bound, ...(expression.keyVariable ? [expression.keyVariable] : []), expression.valueVariable]) };
      const { condition } = expression;
      return firstRefusal([
        refusal(expression.collection, scope, 'interpolation'),
        expression.key && refusal(expression.key, inner, 'operand'),
        refusal(expression.value, inner, 'operand'),
        condition && (condition.kind === 'comparison' ? firstRefusal([refusal(condition.left, inner, 'operand'), refusal(condition.right, inner, 'operand')]) : refusal(condition, inner, 'operand')),
      ]);
    }
  }
}

function partRefusal(part: TemplatePart, scope: Scope): string | undefined {
  switch (part.kind) {
    case 'literal':
      return undefined;
    case 'directive':
      return `a template directive ${part.source}`;
    case 'invalid':
      return part.reason;
    case 'interpolation':
      return refusal(part.expression, scope, 'interpolation');
  }
}

function referenceRefusal({ root, steps }: Extract<Expression, { kind: 'reference' }>, scope: Scope): string | undefined {
  if (scope.bound.has(root)) return undefined;
  const [first, second] = steps;
  const resolves =
    root === 'data' ? scope.data.has(`${first}.${second}`) :
    root === 'local' ? typeof first === 'string' && scope.locals.has(first) :
    root === 'each' ? first === 'key' || first === 'value' :
    scope.resources.has(`${root}.${first}`);
  if (resolves) return undefined;
  const named = [root, ...steps.slice(0, root === 'data' ? 2 : 1)].join('.');
  return `${named} is not a resource, data source or local of this stack`;
}

function firstRefusal(reasons: ReadonlyArray<string | undefined>): string | undefined {
  return reasons.find((reason) => reason !== undefined);
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export class ExpressionSyntaxError extends Error {}

/** Parses the inside of one `${ … }`; throws ExpressionSyntaxError on anything outside the accepted syntax. */
export function parseExpression(source: string): Expression {
  const parser = new Parser(tokenize(source));
  const expression = parser.expression();
  parser.expectEnd();
  return expression;
}

/**
 * Where the `}` closing an interpolation or directive opened just before `from` is, or -1. Braces of
 * object constructors nest; braces inside string literals (and their own templates) do not count.
 */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = closingQuote(text, i + 1);
      if (i < 0) return -1;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (text.startsWith('$${', i) || text.startsWith('%%{', i)) i += 2;
    else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      i = closingBrace(text, i + 2);
      if (i < 0) return -1;
    }
  }
  return -1;
}

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'number'; text: string; value: number }
  | { kind: 'string'; text: string; expression: Expression }
  | { kind: 'symbol'; text: string };

/** Longest first, so that `==` is not read as `=` twice. */
const SYMBOLS = ['::', '=>', '==', '!=', '(', ')', '[', ']', '{', '}', ',', '.', ':'];
/** Terraform identifiers may contain `-` (resource names like `access-logs_bucket_B2DDEC61`); ASCII only here. */
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[0-9]+(\.[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (pattern: RegExp) => {
    pattern.lastIndex = i;
    return pattern.exec(source)?.[0];
  };
  while (i < source.length) {
    const c = source[i]!;
    if (' \t\r\n'.includes(c)) {
      i++;
      continue;
    }
    const identifier = match(IDENTIFIER);
    const number = identifier ? undefined : match(NUMBER);
    const symbol = SYMBOLS.find((candidate) => source.startsWith(candidate, i));
    if (identifier) tokens.push({ kind: 'identifier', text: identifier });
    else if (number) tokens.push({ kind: 'number', text: number, value: Number(number) });
    else if (c === '"') {
      const { expression, end } = stringLiteral(source, i);
      tokens.push({ kind: 'string', text: source.slice(i, end), expression });
      i = end;
      continue;
    } else if (symbol) tokens.push({ kind: 'symbol', text: symbol });
    else throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(c)}`);
    i += tokens.at(-1)!.text.length;
  }
  return tokens;
}

/**
 * A quoted string and the index after its closing quote. Like the template around it, it may hold
 * interpolations of its own (cdktn writes `replace("arn:${…}:cluster/x", …)`); each is judged as one.
 */
function stringLiteral(source: string, open: number): { expression: Expression; end: number } {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"') {
      if (literal || !parts.length) parts.push({ kind: 'literal', text: literal });
      const [only] = parts;
      return { expression: parts.length === 1 && only!.kind === 'literal' ? { kind: 'string', value: only!.text } : { kind: 'template', parts }, end: i + 1 };
    }
    if (c === '\n') break;
    if (source.startsWith('$${', i) || source.startsWith('%%{', i)) {
      literal += source.slice(i + 1, i + 3);
      i += 2;
    } else if (source.startsWith('${', i) || source.startsWith('%{', i)) {
      const end = closingBrace(source, i + 2);
      if (end < 0) break;
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(sequence(source, i, end));
      i = end;
    } else if (c === '\\') {
      const escaped = source[i + 1] ?? '';
      const unicode = /^(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/.exec(source.slice(i + 1))?.[0];
      if (unicode) {
        literal += String.fromCodePoint(parseInt(unicode.slice(1), 16));
        i += unicode.length;
      } else if (escaped in ESCAPES) {
        literal += ESCAPES[escaped];
        i++;
      } else throw new ExpressionSyntaxError(`an unknown escape \\${escaped} in a string literal`);
    } else literal += c;
  }
  throw new ExpressionSyntaxError('an unterminated string literal');
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** operand, optionally compared with `==` or `!=` to another. */
  expression(): Expression {
    const left = this.operand();
    const operator = this.peekSymbol('==') ? '==' : this.peekSymbol('!=') ? '!=' : undefined;
    if (!operator) return left;
    this.index++;
    return { kind: 'comparison', operator, left, right: this.operand() };
  }

  expectEnd(): void {
    const token = this.tokens[this.index];
    if (token) throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(token.text)}`);
  }

  private operand(): Expression {
    const token = this.next('an expression');
    if (token.kind === 'number') return { kind: 'number', value: token.value };
    if (token.kind === 'string') return token.expression;
    if (token.kind === 'symbol' && (token.text === '[' || token.text === '{')) return this.forExpression(token.text === '{');
    if (token.kind !== 'identifier') throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(token.text)}`);
    let name = token.text;
    while (this.peekSymbol('::')) {
      this.index++;
      name += `::${this.identifier()}`;
    }
    if (this.peekSymbol('(')) {
      this.index++;
      return { kind: 'call', name, args: this.list(')') };
    }
    if (name.includes('::')) throw new ExpressionSyntaxError(`${name} without a call`);
    return { kind: 'reference', root: name, steps: this.steps() };
  }

  /** `.name`, `[0]` and `["key"]` after a reference's root. */
  private steps(): Array<string | number> {
    const steps: Array<string | number> = [];
    for (;;) {
      if (this.peekSymbol('.')) {
        this.index++;
        steps.push(this.identifier());
      } else if (this.peekSymbol('[')) {
        this.index++;
        const key = this.next('an index');
        if (key.kind === 'number') steps.push(key.value);
        else if (key.kind === 'string' && key.expression.kind === 'string') steps.push(key.expression.value);
        else throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(key.text)} as an index`);
        this.expectSymbol(']');
      } else return steps;
    }
  }

  private forExpression(object: boolean): Expression {
    const keyword = this.tokens[this.index];
    if (keyword?.kind !== 'identifier' || keyword.text !== 'for') throw new ExpressionSyntaxError(`${object ? 'an object' : 'a tuple'} constructor (only for expressions are accepted)`);
    this.index++;
    const first = this.identifier();
    let second: string | undefined;
    if (this.peekSymbol(',')) {
      this.index++;
      second = this.identifier();
    }
    if (this.identifier() !== 'in') throw new ExpressionSyntaxError('a for expression without "in"');
    const collection = this.expression();
    this.expectSymbol(':');
    let value = this.expression();
    let key: Expression | undefined;
    if (object) {
      this.expectSymbol('=>');
      key = value;
      value = this.expression();
    }
    let condition: Expression | undefined;
    if (this.tokens[this.index]?.kind === 'identifier' && this.tokens[this.index]!.text === 'if') {
      this.index++;
      condition = this.expression();
    }
    this.expectSymbol(object ? '}' : ']');
    return {
      kind: 'for',
      ...(second === undefined ? { valueVariable: first } : { keyVariable: first, valueVariable: second }),
      collection,
      ...(key ? { key } : {}),
      value,
      ...(condition ? { condition } : {}),
    };
  }

  /** Comma-separated expressions up to `close`, a trailing comma allowed as Terraform allows it. */
  private list(close: string): Expression[] {
    const items: Expression[] = [];
    while (!this.peekSymbol(close)) {
      items.push(this.expression());
      if (!this.peekSymbol(',')) break;
      this.index++;
    }
    this.expectSymbol(close);
    return items;
  }

  private identifier(): string {
    const token = this.next('a name');
    if (token.kind !== 'identifier') throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(token.text)} where a name belongs`);
    return token.text;
  }

  private expectSymbol(symbol: string): void {
    const token = this.next(JSON.stringify(symbol));
    if (token.kind !== 'symbol' || token.text !== symbol) throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(token.text)} where ${JSON.stringify(symbol)} belongs`);
  }

  private peekSymbol(symbol: string): boolean {
    const token = this.tokens[this.index];
    return token?.kind === 'symbol' && token.text === symbol;
  }

  private next(what: string): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new ExpressionSyntaxError(`the end where ${what} belongs`);
    return token;
  }
}
