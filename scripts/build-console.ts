import path from 'node:path';
import { ensureConsoleBuild } from '../console/testing/console-build';

// `npm run setup`'s last step: the console's production build, which `npm run console` and the browser tests
// start. Skipped when console/.next was built from the sources as they are now.
const root = path.resolve(process.env.MR_REPO_ROOT ?? '.');
try {
  const { built, durationMs } = await ensureConsoleBuild(root, (line) => console.log(`setup: ${line}`));
  console.log(built ? `setup: console built in ${Math.round(durationMs / 1000)} s` : 'setup: console build is current');
} catch (error) {
  console.error(`setup: ${(error as Error).message}`);
  process.exit(1);
}
