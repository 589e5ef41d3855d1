import { terraformApp } from '../modules/synth';
import { formatLocated, loadModel } from '../schemas';

// The app the official `cdktn synth` CLI runs (see `npm run bench`): the same loader and the same stacks as
// `npm run synth`, written the CLI's way, so the two can be compared on identical work. Not part of the gate.
const root = process.cwd();
const loaded = await loadModel(root);
if (loaded.errors) {
  for (const error of loaded.errors) console.error(formatLocated(error));
  process.exit(1);
}
const { app } = terraformApp(loaded.model, process.env.CDKTF_OUTDIR ?? 'cdktf.out');
app.synth();
