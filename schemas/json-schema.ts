import { z } from 'zod';
import { appSchema } from './app';
import { checkovSkipsSchema } from './checkov-skip';
import { globalSchema } from './global';
import { regionSchema } from './region';
import { releasesSchema } from './release';
import { replicationRulesSchema } from './replication';
import { stableJson } from './stable-json';
import { waiversSchema } from './waiver';

/** Each input kind's JSON Schema file (under `schemas/`) and the Zod schema it is generated from. */
export const JSON_SCHEMA_SOURCES = {
  'region.schema.json': { schema: regionSchema, title: 'Region (regions/<id>.yaml)' },
  'app.schema.json': { schema: appSchema, title: 'App (apps/<name>.yaml)' },
  'replication-rules.schema.json': { schema: replicationRulesSchema, title: 'Replication rules (regions/replication-rules.yaml)' },
  'global.schema.json': { schema: globalSchema, title: 'Global settings (regions/global.yaml)' },
  'waivers.schema.json': { schema: waiversSchema, title: 'Policy waivers (policies/waivers.yaml)' },
  'checkov-skips.schema.json': { schema: checkovSkipsSchema, title: 'Reviewed checkov skips (policies/checkov/skips.yaml)' },
  'releases.schema.json': { schema: releasesSchema, title: 'Promotions in flight (apps/releases.yaml)' },
} as const;

export type JsonSchemaFile = keyof typeof JSON_SCHEMA_SOURCES;

/**
 * JSON Schemas as editors and ajv consume them. They describe the *input* (defaults make keys optional);
 * rules that JSON Schema cannot express (cross-field checks) are only in Zod, and the loader applies both.
 */
export function jsonSchemaFiles(): Map<JsonSchemaFile, string> {
  return new Map(
    Object.entries(JSON_SCHEMA_SOURCES).map(([file, { schema, title }]) => [
      file as JsonSchemaFile,
      stableJson({ ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), title, $id: file }),
    ]),
  );
}
