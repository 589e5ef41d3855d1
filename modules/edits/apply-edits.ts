import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../generated-dir';
import { replaceDigest } from '../promotion';
import { EditRefused, type LiteralValue } from './edit-refused';
import { editTypeScriptInput } from './edit-typescript';
import { editYamlInput, type YamlEdit } from './edit-yaml';

/**
 * One edit of one input file; `set` works in TypeScript and YAML inputs, the others in YAML (or, for `digest`, any text).
 * The console's intents and `npm run drill -- --branch` both write their changes as these, so both make the same minimal diff.
 */
export type InputEdit =
  | { op: 'set'; path: readonly string[]; value: LiteralValue }
  | { op: 'append'; path: readonly string[]; item: unknown }
  | { op: 'replace'; path: readonly string[]; value: unknown }
  /** `npm run promote`'s finishing step: the app's image moves to the release digest (modules/promotion replaceDigest). */
  | { op: 'digest'; from: string; to: string };

/**
 * Applies each file's edits in `root` and returns the files' new contents. Every edit is made in memory
 * first, so a refusal in the last file leaves every file as it was.
 */
export async function applyInputEdits(root: string, edits: ReadonlyMap<string, readonly InputEdit[]>): Promise<Map<string, string>> {
  const edited = new Map<string, string>();
  for (const [file, fileEdits] of edits) {
    const source = await readFile(path.join(root, file), 'utf8').catch(() => {
      throw EditRefused.at(file, [], 'an input file at the base', 'no such file');
    });
    edited.set(file, fileEdits.reduce((text, edit) => applyOne(text, file, edit), source));
  }
  for (const [file, content] of edited) await replaceFile(path.join(root, file), content);
  return edited;
}

function applyOne(text: string, file: string, edit: InputEdit): string {
  if (edit.op === 'digest') {
    const replaced = replaceDigest(text, file, edit.from, edit.to);
    if ('error' in replaced) throw EditRefused.at(file, ['image'], `the current digest ${edit.from} once`, replaced.error);
    return replaced.text;
  }
  if (/\.ya?ml$/.test(file)) return editYamlInput(text, file, [edit as YamlEdit]);
  if (edit.op !== 'set') throw new Error(`${file}: only single values are set in TypeScript inputs, not ${edit.op}`);
  return editTypeScriptInput(text, file, [edit]);
}
