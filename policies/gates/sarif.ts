import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { replaceFile } from '../../modules/generated-dir';

/**
 * The part of a SARIF 2.1.0 log the security gates read: each result's rule, message and first location, and
 * whether the tool says it completed.
 * Everything else a tool writes is kept as it is, so the file code scanning receives is the tool's own.
 */
const sarifLog = z.looseObject({
  version: z.literal('2.1.0'),
  runs: z.array(
    z.looseObject({
      invocations: z
        .array(
          z.looseObject({
            executionSuccessful: z.boolean().optional(),
            toolExecutionNotifications: z.array(z.looseObject({ message: z.looseObject({ text: z.string().optional() }).optional() })).optional(),
          }),
        )
        .optional(),
      results: z
        .array(
          z.looseObject({
            ruleId: z.string().optional(),
            level: z.string().optional(),
            message: z.looseObject({ text: z.string().optional() }),
            locations: z
              .array(
                z.looseObject({
                  physicalLocation: z
                    .looseObject({
                      artifactLocation: z.looseObject({ uri: z.string() }).optional(),
                      region: z.looseObject({ startLine: z.number().optional(), startColumn: z.number().optional() }).optional(),
                    })
                    .optional(),
                }),
              )
              .optional(),
          }),
        )
        .optional(),
    }),
  ),
});

export type SarifLog = z.infer<typeof sarifLog>;

export interface SarifFinding {
  rule: string;
  message: string;
  /** Repository-relative path, when the result has a location. */
  file?: string;
  line?: number;
}

/** A tool's SARIF output, or an error naming the tool when it wrote something else. */
export function parseSarif(text: string, tool: string): SarifLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${tool} did not write SARIF (${(error as Error).message}): ${oneLine(text).slice(0, 300)}`);
  }
  const parsed = sarifLog.safeParse(json);
  if (!parsed.success) throw new Error(`${tool} wrote SARIF this gate cannot read: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** Prefixes every result's location, for tools that report paths relative to the directory they were given. */
export function rebaseSarif(log: SarifLog, prefix: string): SarifLog {
  const rebased = structuredClone(log);
  for (const run of rebased.runs) {
    for (const result of run.results ?? []) {
      for (const location of result.locations ?? []) {
        const artifact = location.physicalLocation?.artifactLocation;
        if (artifact) artifact.uri = path.posix.join(prefix, artifact.uri);
      }
    }
  }
  return rebased;
}

export function sarifFindings(log: SarifLog): SarifFinding[] {
  return log.runs.flatMap((run) =>
    (run.results ?? []).map((result) => {
      const physical = result.locations?.[0]?.physicalLocation;
      const file = physical?.artifactLocation?.uri;
      const line = physical?.region?.startLine;
      return { rule: result.ruleId ?? 'unnamed rule', message: oneLine(result.message.text ?? ''), ...(file ? { file } : {}), ...(line ? { line } : {}) };
    }),
  );
}

/** `path:line: message (rule)`, the form every gate prints a located problem in. */
export function formatFinding(finding: SarifFinding): string {
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}: ` : '';
  return `${where}${finding.message} (${finding.rule})`;
}

/** The variable CI sets to collect every gate's SARIF for upload (docs/ci.md, "SARIF"). */
export const SARIF_DIR_VARIABLE = 'MR_SARIF_DIR';

/**
 * Writes `$MR_SARIF_DIR/<gate>.sarif` when CI asks for it, whether or not the gate found anything: an upload
 * with no results is what closes the code-scanning alerts that were fixed. Returns the path written.
 */
export async function publishSarif(gate: string, log: SarifLog): Promise<string | undefined> {
  const dir = process.env[SARIF_DIR_VARIABLE];
  if (!dir) return undefined;
  if (!path.isAbsolute(dir)) throw new Error(`${SARIF_DIR_VARIABLE} must be an absolute path, got ${dir}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${gate}.sarif`);
  await replaceFile(file, `${JSON.stringify(log, null, 2)}\n`);
  return file;
}

export interface ToolRun {
  /** The exit code; null when a signal ended the tool. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion without a shell; a non-zero exit is an answer here, not an exception. */
export function runTool(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number' && !error.signal) return reject(error);
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
