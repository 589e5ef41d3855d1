/**
 * Text from the inputs as Terraform must read it: literally. Terraform evaluates `${…}` (interpolation)
 * and `%{…}` (template directive) in every string of a configuration, JSON included, so a tag value
 * `${file("/etc/hostname")}` would read a file of whichever machine runs the plan. `$${` and `%%{` are
 * Terraform's own escapes for the two sequences; everything else passes through unchanged.
 *
 * The schemas already refuse `$`, `%` and braces in every field that reaches Terraform, so today this
 * changes nothing: it keeps a later, looser field from turning into code.
 */
export function terraformLiteral(value: string): string {
  // Replacer functions: in a replacement string `$$` would itself mean one `$`.
  return value.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}
