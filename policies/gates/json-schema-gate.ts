import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { count, GLOBAL_FILE, jsonSchemaFiles, listInputFiles, parseYaml, RELEASES_FILE, REPLICATION_RULES_FILE, WAIVERS_FILE, CHECKOV_SKIPS_FILE, type JsonSchemaFile } from '../../schemas';
import { fail, pass, type Gate } from './gate';

/**
 * The committed JSON Schemas are what editors and external tools validate YAML against: every YAML input
 * must pass them under ajv as well as under Zod. (That they equal what Zod generates is the drift gate's job.)
 */
export const jsonSchemaGate: Gate = {
  name: 'json-schema',
  description: 'ajv accepts every YAML input against the committed schemas/*.schema.json.',
  async run({ root }) {
    const details: string[] = [];
    const committed = new Map<JsonSchemaFile, object>();
    for (const file of jsonSchemaFiles().keys()) {
      const text = await readFile(path.join(root, 'schemas', file), 'utf8').catch(() => undefined);
      if (text === undefined) details.push(`schemas/${file}: missing; run \`npm run synth\` to generate it`);
      else {
        try {
          committed.set(file, JSON.parse(text) as object);
        } catch (error) {
          details.push(`schemas/${file}: expected JSON, got ${String(error)}`);
        }
      }
    }
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // Zod emits `format` (date-time, …) for the checks it makes; ajv must make them too, not ignore them.
    addFormats(ajv);
    const inputs = [...(await listInputFiles(root)), RELEASES_FILE, WAIVERS_FILE, CHECKOV_SKIPS_FILE].filter((file) => /\.ya?ml$/.test(file));
    for (const file of inputs) {
      const schemaFile = schemaFor(file);
      const schema = committed.get(schemaFile);
      const text = await readFile(path.join(root, file), 'utf8').catch(() => undefined);
      // Unreadable or unparsable inputs are the model gate's to report.
      const value = text === undefined ? undefined : parseYaml(file, text).value;
      if (!schema || value === undefined) continue;
      const validate = ajv.getSchema(schemaFile) ?? ajv.compile(schema);
      if (!validate(value)) {
        for (const error of validate.errors ?? []) details.push(`${file}: ${error.instancePath.slice(1).replace(/\//g, '.') || '(root)'}: ${error.message} (JSON Schema ${schemaFile})`);
      }
    }
    return details.length ? fail(count(details.length, 'problem'), details) : pass(`${count(inputs.length, 'YAML input')} valid against ${count(committed.size, 'schema')}`);
  },
};

function schemaFor(file: string): JsonSchemaFile {
  if (file === GLOBAL_FILE) return 'global.schema.json';
  if (file === REPLICATION_RULES_FILE) return 'replication-rules.schema.json';
  if (file === RELEASES_FILE) return 'releases.schema.json';
  if (file === WAIVERS_FILE) return 'waivers.schema.json';
  if (file === CHECKOV_SKIPS_FILE) return 'checkov-skips.schema.json';
  return file.startsWith('apps/') ? 'app.schema.json' : 'region.schema.json';
}
