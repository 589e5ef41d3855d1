import { describe, expect, it } from 'vitest';
import { ExpressionSyntaxError, judgeTemplate, parseExpression, parseTemplate, stackDeclarations, type Expression } from './terraform-expressions';

const ref = (root: string, ...steps: Array<string | number>): Expression => ({ kind: 'reference', root, steps });
const str = (value: string): Expression => ({ kind: 'string', value });

describe('parseTemplate', () => {
  it('reads text without sequences as one literal, and an empty string as none', () => {
    expect(parseTemplate('arn:aws:s3:::bucket/*')).toEqual([{ kind: 'literal', text: 'arn:aws:s3:::bucket/*' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('reads $${ and %%{ as the literal ${ and %{, as Terraform does', () => {
    expect(parseTemplate('$${literal} and %%{ if }')).toEqual([{ kind: 'literal', text: '${literal} and %{ if }' }]);
  });

  it('pairs escapes from the left: $$${x} is a $ and a literal ${x}, $$$${x} is $$ and ${x}', () => {
    // Checked against `terraform console`: "$$${\"y\"}" evaluates to $${"y"}.
    expect(parseTemplate('$$${x}')).toEqual([{ kind: 'literal', text: '$${x}' }]);
    expect(parseTemplate('$$$${x}')).toEqual([{ kind: 'literal', text: '$$${x}' }]);
  });

  it('keeps a lone $ or % and a trailing $ literal', () => {
    expect(parseTemplate('a$b%c$')).toEqual([{ kind: 'literal', text: 'a$b%c$' }]);
  });

  it('splits literals and interpolations, keeping each interpolation source', () => {
    expect(parseTemplate('arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.a.account_id}:root')).toEqual([
      { kind: 'literal', text: 'arn:' },
      { kind: 'interpolation', source: '${data.aws_partition.p.partition}', expression: ref('data', 'aws_partition', 'p', 'partition') },
      { kind: 'literal', text: ':iam::' },
      { kind: 'interpolation', source: '${data.aws_caller_identity.a.account_id}', expression: ref('data', 'aws_caller_identity', 'a', 'account_id') },
      { kind: 'literal', text: ':root' },
    ]);
  });

  it('reads %{ … } as a directive, up to its own closing brace', () => {
    expect(parseTemplate('%{ if true }x%{ endif }')).toEqual([
      { kind: 'directive', source: '%{ if true }' },
      { kind: 'literal', text: 'x' },
      { kind: 'directive', source: '%{ endif }' },
    ]);
  });

  it('does not end an interpolation at a } inside a string literal', () => {
    const [part] = parseTemplate('${replace(a.b.c, "}", "{")}tail');
    expect(part).toEqual({ kind: 'interpolation', source: '${replace(a.b.c, "}", "{")}', expression: { kind: 'call', name: 'replace', args: [ref('a', 'b', 'c'), str('}'), str('{')] } });
  });

  it('does not end an interpolation at an escaped quote', () => {
    expect(parseTemplate('${replace(a.b.c, "\\"}", "")}')).toEqual([
      { kind: 'interpolation', source: '${replace(a.b.c, "\\"}", "")}', expression: { kind: 'call', name: 'replace', args: [ref('a', 'b', 'c'), str('"}'), str('')] } },
    ]);
  });

  it('reports an unclosed interpolation with the rest of the string', () => {
    expect(parseTemplate('x${a.b.c')).toEqual([
      { kind: 'literal', text: 'x' },
      { kind: 'invalid', source: '${a.b.c', reason: 'no closing }' },
    ]);
    expect(parseTemplate('${"}')).toEqual([{ kind: 'invalid', source: '${"}', reason: 'no closing }' }]);
  });

  it('reports a syntax error inside an interpolation and goes on after its closing brace', () => {
    expect(parseTemplate('${a + b}-${c.d}')).toEqual([
      { kind: 'invalid', source: '${a + b}', reason: 'unexpected "+"' },
      { kind: 'literal', text: '-' },
      { kind: 'interpolation', source: '${c.d}', expression: ref('c', 'd') },
    ]);
  });
});

describe('parseExpression', () => {
  it('reads references with attributes, numeric and string indexes', () => {
    expect(parseExpression('aws_eks_cluster.c.identity[0].oidc[0].issuer')).toEqual(ref('aws_eks_cluster', 'c', 'identity', 0, 'oidc', 0, 'issuer'));
    expect(parseExpression('val["domain_name"]')).toEqual(ref('val', 'domain_name'));
  });

  it('reads identifiers with hyphens, as Terraform names resources', () => {
    expect(parseExpression('aws_s3_bucket.access-logs_bucket_B2DDEC61.arn')).toEqual(ref('aws_s3_bucket', 'access-logs_bucket_B2DDEC61', 'arn'));
  });

  it('reads nested calls with string and number arguments, and a trailing comma', () => {
    expect(parseExpression('replace(element(data.z.n.names, 2), ":cluster/", ":topic/",)')).toEqual({
      kind: 'call',
      name: 'replace',
      args: [{ kind: 'call', name: 'element', args: [ref('data', 'z', 'n', 'names'), { kind: 'number', value: 2 }] }, str(':cluster/'), str(':topic/')],
    });
    expect(parseExpression('tolist()')).toEqual({ kind: 'call', name: 'tolist', args: [] });
  });

  it('reads string escapes: quotes, backslashes, newlines, unicode, and $${', () => {
    expect(parseExpression('"a\\"b\\\\c\\nd\\u0041\\U0001F600$${x}%%{y}"')).toEqual(str('a"b\\c\ndA\u{1F600}${x}%{y}'));
  });

  it('reads a string literal holding interpolations of its own as a template', () => {
    expect(parseExpression('replace("arn:${data.p.p.partition}:x", ":x", ":y")')).toEqual({
      kind: 'call',
      name: 'replace',
      args: [
        {
          kind: 'template',
          parts: [
            { kind: 'literal', text: 'arn:' },
            { kind: 'interpolation', source: '${data.p.p.partition}', expression: ref('data', 'p', 'p', 'partition') },
            { kind: 'literal', text: ':x' },
          ],
        },
        str(':x'),
        str(':y'),
      ],
    });
  });

  it('reads a provider-defined function name whole', () => {
    expect(parseExpression('provider::aws::arn_parse("x")')).toEqual({ kind: 'call', name: 'provider::aws::arn_parse', args: [str('x')] });
  });

  it('reads the for expressions cdktn writes: object and tuple, with an if comparison', () => {
    expect(parseExpression('{ for key, val in tolist(a.b.opts): val.domain_name => val }')).toEqual({
      kind: 'for',
      keyVariable: 'key',
      valueVariable: 'val',
      collection: { kind: 'call', name: 'tolist', args: [ref('a', 'b', 'opts')] },
      key: ref('val', 'domain_name'),
      value: ref('val'),
    });
    expect(parseExpression('[for check in data.c.d.checks : check.id if check.region == "us-east-1"]')).toEqual({
      kind: 'for',
      valueVariable: 'check',
      collection: ref('data', 'c', 'd', 'checks'),
      value: ref('check', 'id'),
      condition: { kind: 'comparison', operator: '==', left: ref('check', 'region'), right: str('us-east-1') },
    });
  });

  it.each([
    ['a + b', 'unexpected "+"'],
    ['a ? b : c', 'unexpected "?"'],
    ['<<EOT\nx\nEOT', 'unexpected "<"'],
    ['a /* } */', 'unexpected "/"'],
    ['a # comment', 'unexpected "#"'],
    ['~ a', 'unexpected "~"'],
    ['a[*]', 'unexpected "*"'],
    ['a.b.0', 'unexpected "0" where a name belongs'],
    ['[1, 2]', 'a tuple constructor (only for expressions are accepted)'],
    ['{ a: 1 }', 'an object constructor (only for expressions are accepted)'],
    ['provider::x::y', 'provider::x::y without a call'],
    ['replace(a.b', 'the end where ")" belongs'],
    ['a b', 'unexpected "b"'],
    ['', 'the end where an expression belongs'],
    ['"unterminated', 'an unterminated string literal'],
    ['"a\\qb"', 'an unknown escape \\q in a string literal'],
    ['"a\nb"', 'an unterminated string literal'],
    ['[for x of y : x]', 'a for expression without "in"'],
    ['{ for k, v in m : v }', 'unexpected "}" where "=>" belongs'],
    ['tolist(a.b)[0]', 'unexpected "["'],
    ['ａbc', 'unexpected "ａ"'],
  ])('refuses %j: %s', (source, reason) => {
    expect(() => parseExpression(source)).toThrow(new ExpressionSyntaxError(reason));
  });
});

describe('judgeTemplate', () => {
  const declarations = stackDeclarations({
    resource: { aws_s3_bucket: { logs: {} }, aws_acm_certificate: { cert: {} }, aws_route53_record: { validation: {} } },
    data: { aws_partition: { partition: {} }, aws_caller_identity: { account: {} } },
    locals: { prefix: 'orders' },
  });
  const judge = (text: string) => judgeTemplate(text, declarations);
  const refused = (text: string) => judge(text).problems.map((problem) => problem.found);

  it.each([
    '${aws_s3_bucket.logs.arn}/*',
    'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}:root',
    '${local.prefix}',
    '${each.value.resource_record_name}',
    '${element(aws_s3_bucket.logs.tags_all, 0)}',
    '${replace(aws_s3_bucket.logs.arn, ":cluster/", ":topic/")}',
    '${replace("arn:${data.aws_partition.partition.partition}:eks", ":cluster/", ":access-entry/")}',
    '${{ for key, val in tolist(aws_acm_certificate.cert.domain_validation_options): val.domain_name => val }}',
    '${[ for key, val in aws_route53_record.validation: val.fqdn]}',
    '${one([for check in data.aws_partition.partition.checks : check.id if check.region == "us-east-1"])}',
  ])('accepts %s', (text) => {
    expect(judge(text).problems).toEqual([]);
    expect(judge(text).judged).toBeGreaterThan(0);
  });

  it('counts no interpolation in escaped text: $${literal} passes as a literal', () => {
    expect(judge('$${literal} and %%{ x }')).toEqual({ judged: 0, problems: [] });
  });

  const allowed = 'element, one, replace, tolist, tomap, toset';
  it.each([
    ['${file("/etc/hostname")}', `\${file("/etc/hostname")} (file is not an allowed function (${allowed}))`],
    ['${templatefile("t.tpl", {})}', '${templatefile("t.tpl", {})} (an object constructor (only for expressions are accepted))'],
    ['${templatefile("t.tpl", local.prefix)}', `\${templatefile("t.tpl", local.prefix)} (templatefile is not an allowed function (${allowed}))`],
    ['${filebase64("/root/.aws/credentials")}', `\${filebase64("/root/.aws/credentials")} (filebase64 is not an allowed function (${allowed}))`],
    ['${fileset("/", "*")}', `\${fileset("/", "*")} (fileset is not an allowed function (${allowed}))`],
    ['${abspath(".")}', `\${abspath(".")} (abspath is not an allowed function (${allowed}))`],
    ['${provider::aws::arn_parse("x")}', `\${provider::aws::arn_parse("x")} (provider::aws::arn_parse is not an allowed function (${allowed}))`],
    ['${path.module}', '${path.module} (path.module is not a resource, data source or local of this stack)'],
    ['${terraform.workspace}', '${terraform.workspace} (terraform.workspace is not a resource, data source or local of this stack)'],
    ['${var.secret}', '${var.secret} (var.secret is not a resource, data source or local of this stack)'],
    ['${aws_s3_bucket.other.arn}', '${aws_s3_bucket.other.arn} (aws_s3_bucket.other is not a resource, data source or local of this stack)'],
    ['${data.aws_partition.other.partition}', '${data.aws_partition.other.partition} (data.aws_partition.other is not a resource, data source or local of this stack)'],
    ['${local.missing}', '${local.missing} (local.missing is not a resource, data source or local of this stack)'],
    ['${each.index}', '${each.index} (each.index is not a resource, data source or local of this stack)'],
    ['${"x"}', '${"x"} (a bare literal)'],
    ['${1}', '${1} (a bare literal)'],
    ['${aws_s3_bucket.logs.arn == "x"}', '${aws_s3_bucket.logs.arn == "x"} (a comparison outside the if of a for expression)'],
    ['${[for v in aws_s3_bucket.logs.tags : file(v)]}', `\${[for v in aws_s3_bucket.logs.tags : file(v)]} (file is not an allowed function (${allowed}))`],
    ['${[for v in file("x") : v]}', `\${[for v in file("x") : v]} (file is not an allowed function (${allowed}))`],
    ['${replace(file("/etc/hostname"), "a", "b")}', `\${replace(file("/etc/hostname"), "a", "b")} (file is not an allowed function (${allowed}))`],
    ['${replace("${file("/etc/hostname")}", "a", "b")}', `\${replace("\${file("/etc/hostname")}", "a", "b")} (file is not an allowed function (${allowed}))`],
    ['${replace("%{ if true }x%{ endif }", "a", "b")}', '${replace("%{ if true }x%{ endif }", "a", "b")} (a template directive %{ if true })'],
    ['${replace(aws_s3_bucket.logs.arn, "a", "${"b"}")}', '${replace(aws_s3_bucket.logs.arn, "a", "${"b"}")} (a bare literal)'],
    ['${val.fqdn}', '${val.fqdn} (val.fqdn is not a resource, data source or local of this stack)'],
  ])('refuses %s', (text, found) => {
    expect(judge(text).problems).toEqual([{ expected: 'a reference or an allowed function call', found }]);
  });

  it('refuses every directive, naming it', () => {
    expect(judge('%{ if true }x%{ endif }').problems).toEqual([
      { expected: 'no template directive (%%{ writes a literal %{)', found: '%{ if true }' },
      { expected: 'no template directive (%%{ writes a literal %{)', found: '%{ endif }' },
    ]);
  });

  it('refuses each bad interpolation of a string, after a good one', () => {
    expect(refused('${aws_s3_bucket.logs.arn}/${path.cwd}/${abspath("x")}')).toEqual([
      '${path.cwd} (path.cwd is not a resource, data source or local of this stack)',
      `\${abspath("x")} (abspath is not an allowed function (${allowed}))`,
    ]);
  });

  it('shortens a long interpolation in the message', () => {
    const [found] = refused(`\${file("${'x'.repeat(500)}")}`);
    expect(found).toBe(`\${file("${'x'.repeat(109)}... (file is not an allowed function (${allowed}))`);
  });
});
