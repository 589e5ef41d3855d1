// Preloaded with `node --import` by the kill tests: SIGKILLs the process just before its Nth
// fs.promises.rename (N from MR_KILL_AT_RENAME), as a crash or `kill -9` would, with no chance to clean up.
// A process that is not killed writes how many renames it made to MR_RENAME_COUNT_FILE.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const at = Number(process.env.MR_KILL_AT_RENAME);
const rename = fs.promises.rename;
let renames = 0;
fs.promises.rename = (...args) => {
  renames += 1;
  if (renames === at) process.kill(process.pid, 'SIGKILL');
  return rename(...args);
};
// `import { rename } from 'node:fs/promises'` binds the export, not the property: refresh the bindings.
syncBuiltinESMExports();
process.on('exit', () => {
  if (process.env.MR_RENAME_COUNT_FILE) fs.writeFileSync(process.env.MR_RENAME_COUNT_FILE, String(renames));
});
