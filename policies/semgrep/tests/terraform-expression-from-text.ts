declare function terraformLiteral(value: string): string;
declare const checks: { fqn: string };
declare const region: { awsRegion: string; name: string };

export const expressions = [
  // ruleid: terraform-expression-from-text
  `\${one([for check in ${checks.fqn}.health_checks : check.id if check.region == "${region.awsRegion}"])}`,
  // ruleid: terraform-expression-from-text
  `\${lookup(var.weights, "${region.name}")}`,

  // ok: terraform-expression-from-text
  `\${one([for check in ${checks.fqn}.health_checks : check.id if check.region == "${terraformLiteral(region.awsRegion)}"])}`,
  // ok: terraform-expression-from-text
  `\${${checks.fqn}.id}`,
  // Plain text with a value and no Terraform interpolation is a tag or a name, escaped where it is written.
  // ok: terraform-expression-from-text
  `orders-${region.name}`,
];
