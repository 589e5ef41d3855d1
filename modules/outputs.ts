import { jsonSchemaFiles, type Model } from '../schemas';
import { codeowners } from './codeowners';
import { GENERATED_DIR } from './generated-dir';
import { createReadMemo, type ReadMemo } from './read-memo';
import { synth } from './synth';

/** The JSON Schemas depend on the Zod sources alone: rendered once per process. */
let schemaFiles: Array<[string, string]> | undefined;

/** Repository-relative path → content for everything derived from the inputs and the schemas. */
export type RepoFiles = ReadonlyMap<string, string>;

/**
 * Everything `npm run synth` owns: the `generated/` tree plus the files that must live elsewhere
 * (CODEOWNERS at the root, JSON Schemas beside their Zod sources). The drift gate compares all of it.
 */
export function synthOutputs(model: Model, memo?: ReadMemo): RepoFiles {
  const files = new Map<string, string>();
  for (const [file, content] of synth(model, memo)) files.set(`${GENERATED_DIR}/${file}`, content);
  for (const [file, content] of (schemaFiles ??= [...jsonSchemaFiles()])) files.set(`schemas/${file}`, content);
  files.set('CODEOWNERS', codeowners(model.global));
  return files;
}

/**
 * synthOutputs for a caller that synthesises many variants of one model (the console's previews, the standing
 * failover plans, a drill's scenarios): each part of the output is rebuilt only when the model changed what it
 * reads. The first call costs 5–15 % more than synthOutputs, for recording; every later one only what changed.
 */
export function memoizedSynthOutputs(): (model: Model) => RepoFiles {
  const memo = createReadMemo();
  return (model) => synthOutputs(model, memo);
}
