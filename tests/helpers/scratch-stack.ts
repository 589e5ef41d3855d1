import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, TerraformStack } from 'cdktn';

/**
 * An empty stack for construct specifications. Nothing is synthesised, but the App constructor creates
 * its outdir, so it points outside the checkout.
 */
export function scratchStack(): TerraformStack {
  return new TerraformStack(new App({ outdir: path.join(tmpdir(), 'construct-specs-cdktf') }), 'stack');
}

/** The stack as the Terraform JSON `npm run synth` would write, parsed, after every construct validation ran. */
export function synthScratch(stack: TerraformStack): TerraformJson {
  stack.prepareStack();
  stack.runAllValidations();
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}

export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown }>;
  terraform: Record<string, any>;
};

/** Every resource of a type, whatever its generated name. */
export const resourcesOf = (json: TerraformJson, type: string): Record<string, any>[] => Object.values(json.resource?.[type] ?? {});
