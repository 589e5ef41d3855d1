import { jsonSchemaFiles, type Model } from '../schemas';
import { codeowners } from './codeowners';
import { GENERATED_DIR } from './generated-dir';
import { synth } from './synth';

/** Repository-relative path → content for everything derived from the inputs and the schemas. */
export type RepoFiles = ReadonlyMap<string, string>;

/**
 * Everything `npm run synth` owns: the `generated/` tree plus the files that must live elsewhere
 * (CODEOWNERS at the root, JSON Schemas beside their Zod sources). The drift gate compares all of it.
 */
export function synthOutputs(model: Model): RepoFiles {
  const files = new Map<string, string>();
  for (const [file, content] of synth(model)) files.set(`${GENERATED_DIR}/${file}`, content);
  for (const [file, content] of jsonSchemaFiles()) files.set(`schemas/${file}`, content);
  files.set('CODEOWNERS', codeowners(model.global));
  return files;
}
