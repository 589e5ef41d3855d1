import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../../modules/generated-dir';
import { drillLogMarkdown, drillMarkdown } from '../../modules/drills/render';
import { drillRecordSchema, type DrillRecord } from '../../schemas/drill-record';
import { expectation, formatLocated, issueToLocated, located, type Located } from '../../schemas';

/** The one reader and writer of `operations/drills/`: everything else goes through these functions. */
export const DRILLS_DIR = 'operations/drills';
export const DRILL_LOG = 'operations/drill-log.md';

/** A record that cannot be trusted: evidence that does not parse is an error, never skipped. */
export class DrillRecordError extends Error {
  constructor(readonly errors: Located[]) {
    super(`drill records do not load:\n${errors.map((error) => `  ${formatLocated(error)}`).join('\n')}\nfix or restore the file (git log -p -- ${DRILLS_DIR}) and run the command again`);
    this.name = 'DrillRecordError';
  }
}

export function drillRecordFile(id: string): string {
  return `${DRILLS_DIR}/${id}.json`;
}

/** Every drill record under `operations/drills/`, oldest first; none when the directory does not exist. Fails on any invalid record. */
export async function readDrillRecords(root: string): Promise<DrillRecord[]> {
  const names = await readdir(path.join(root, DRILLS_DIR)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const records: DrillRecord[] = [];
  const errors: Located[] = [];
  for (const name of names.filter((candidate) => candidate.endsWith('.json')).sort()) {
    const result = await parseRecordFile(root, `${DRILLS_DIR}/${name}`);
    if ('errors' in result) errors.push(...result.errors);
    else records.push(result.record);
  }
  if (errors.length) throw new DrillRecordError(errors);
  return records;
}

/** One record by id; undefined when there is none. */
export async function readDrillRecord(root: string, id: string): Promise<DrillRecord | undefined> {
  const result = await parseRecordFile(root, drillRecordFile(id));
  if ('errors' in result) {
    if (result.missing) return undefined;
    throw new DrillRecordError(result.errors);
  }
  return result.record;
}

async function parseRecordFile(root: string, file: string): Promise<{ record: DrillRecord } | { errors: Located[]; missing?: boolean }> {
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { errors: [located(file, '', 'a readable drill record', missing ? 'no such file' : (error as Error).message)], missing };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { errors: [located(file, '', 'valid JSON', (error as Error).message)] };
  }
  const result = drillRecordSchema.safeParse(value, { reportInput: true, error: expectation });
  if (!result.success) return { errors: result.error.issues.map((issue) => issueToLocated(file, issue)) };
  if (`${DRILLS_DIR}/${result.data.id}.json` !== file) return { errors: [located(file, 'id', `the id the file is named for (${path.basename(file, '.json')})`, JSON.stringify(result.data.id))] };
  return { record: result.data };
}

/**
 * Writes a record's JSON and markdown, then the drill log from every record; each file atomically (synced
 * sibling, renamed over). The JSON goes first: if the process dies after it, the next write renders the rest.
 * Returns the repository-relative paths written.
 */
export async function writeDrillRecord(root: string, record: DrillRecord): Promise<string[]> {
  const checked = drillRecordSchema.safeParse(record, { reportInput: true, error: expectation });
  if (!checked.success) throw new DrillRecordError(checked.error.issues.map((issue) => issueToLocated(drillRecordFile(record.id), issue)));
  await mkdir(path.join(root, DRILLS_DIR), { recursive: true });
  const json = drillRecordFile(record.id);
  const markdown = `${DRILLS_DIR}/${record.id}.md`;
  await replaceFile(path.join(root, json), `${JSON.stringify(checked.data, null, 2)}\n`);
  await replaceFile(path.join(root, markdown), drillMarkdown(checked.data));
  await replaceFile(path.join(root, DRILL_LOG), drillLogMarkdown(await readDrillRecords(root)));
  return [json, markdown, DRILL_LOG];
}
