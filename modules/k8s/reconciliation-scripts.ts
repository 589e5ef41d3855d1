import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSet } from '../../schemas';

/** Repository folder of the scripts the reconciliation ConfigMaps carry, byte for byte. */
export const RECONCILIATION_SCRIPTS_DIR = 'modules/k8s/reconciliation';

/**
 * The scripts of each store: `entry` is what the Job runs; it finds the store in both regions and hands
 * the connections to the comparison (`postgres.sh`, `redis.sh`), which specs run against real servers.
 */
export const STORE_SCRIPTS: Readonly<Record<DataSet['store'], { entry: string; files: readonly string[] }>> = {
  aurora: { entry: 'aurora.sh', files: ['aurora.sh', 'common.sh', 'postgres.sh'] },
  redis: { entry: 'elasticache.sh', files: ['common.sh', 'elasticache.sh', 'redis.sh'] },
  kafka: { entry: 'kafka.sh', files: ['common.sh', 'kafka.sh'] },
  s3: { entry: 's3.sh', files: ['common.sh', 's3.sh'] },
};

/** The store's script files by name, as committed; read when a chart is built, so importing this costs nothing. */
export function storeScripts(store: DataSet['store']): Record<string, string> {
  const dir = scriptsDir();
  return Object.fromEntries(STORE_SCRIPTS[store].files.map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]));
}

/**
 * The scripts beside this module: next to it when run from source, and in the checkout above the bundle
 * when bundled (`scripts/run.mjs` writes bundles under the checkout's `node_modules/.cache/`).
 */
function scriptsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ancestors = here.split(path.sep).map((_, index, parts) => parts.slice(0, parts.length - index).join(path.sep) || path.sep);
  const candidates = [path.join(here, 'reconciliation'), ...ancestors.map((dir) => path.join(dir, RECONCILIATION_SCRIPTS_DIR))];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'common.sh')));
  if (!found) throw new Error(`the reconciliation scripts (${RECONCILIATION_SCRIPTS_DIR}/) are not beside ${here} nor in any folder above it`);
  return found;
}
