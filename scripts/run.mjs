#!/usr/bin/env node
// Entry point for every npm script: bundles scripts/<name>.ts with esbuild (our code only; packages stay
// external so deep imports remain deep) and runs it. One bundle step costs tens of milliseconds, where a
// per-file TypeScript loader costs most of a second on every run.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const entry = path.join(root, 'scripts', `${name ?? ''}.ts`);
if (!name || !existsSync(entry)) {
  console.error(`usage: node scripts/run.mjs <script> [args]: no scripts/${name ?? '<script>'}.ts`);
  process.exit(2);
}
const outfile = path.join(root, 'node_modules', '.cache', 'scripts', `${name}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  plugins: [externalPackages()],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'error',
});
function externalPackages() {
  const require = createRequire(path.join(root, 'package.json'));
  const resolveCommonJs = (specifier) => {
    try {
      return require.resolve(specifier);
    } catch (error) {
      if (error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
      throw error;
    }
  };
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) => {
        const deep = /^(@[^/]+\/[^/]+|[^@/][^/]*)\/.+/.test(specifier) && !specifier.startsWith('node:');
        // Deep imports into CommonJS packages name a directory, which Node's ESM loader refuses; resolve them here.
        // ESM-only packages export their deep paths for `import` alone, and Node resolves those itself.
        return { path: deep ? (resolveCommonJs(specifier) ?? specifier) : specifier, external: true };
      });
    },
  };
}

process.argv = [process.argv[0], outfile, ...args];
process.env.MR_REPO_ROOT ??= root;
await import(pathToFileURL(outfile).href);
