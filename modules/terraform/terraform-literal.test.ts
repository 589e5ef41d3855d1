import { describe, expect, it } from 'vitest';
import { terraformLiteral } from './terraform-literal';

describe('terraformLiteral', () => {
  it('escapes an interpolation, so Terraform reads it as text instead of calling file()', () => {
    expect(terraformLiteral('${file("/etc/hostname")}')).toBe('$${file("/etc/hostname")}');
  });

  it('escapes a template directive', () => {
    expect(terraformLiteral('%{ if true }x%{ endif }')).toBe('%%{ if true }x%%{ endif }');
  });

  it('escapes every occurrence, including one that already looks escaped', () => {
    // Terraform reads `$$${` as a literal `$` followed by the escape for `${`: the text comes back as written.
    expect(terraformLiteral('a ${b} $${c} %{d}')).toBe('a $${b} $$${c} %%{d}');
  });

  it('leaves text without either sequence unchanged, dollar and percent signs included', () => {
    for (const text of ['us', 'orders-us-east-1', '$5 or 10%', '{braces}', '$ {not}', '% {not}', '']) expect(terraformLiteral(text)).toBe(text);
  });
});
