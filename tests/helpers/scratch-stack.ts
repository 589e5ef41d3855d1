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
