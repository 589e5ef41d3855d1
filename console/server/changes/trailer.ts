import { z } from 'zod';
import { changeIntentSchema, changeReason, commitSha, owner, previewId } from '../../../schemas';
import type { ChangeTrailer } from './types';

const MARKER = 'console-change';
const OPEN = `<!-- ${MARKER} `;
const CLOSE = ' -->';
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** The trailer as read back from a body anyone with write access can edit: every field checked again. */
const trailerSchema = z.strictObject({
  id: previewId,
  intent: changeIntentSchema,
  reason: changeReason,
  requester: owner,
  base: commitSha,
  inputHash: sha256Hex,
  bundleHash: sha256Hex,
  class: z.enum(['standard', 'normal', 'cab-required', 'emergency']),
  findings: z.strictObject({ total: z.number().int().min(0), blocking: z.number().int().min(0) }),
});

/**
 * `<!-- console-change {…} -->`: invisible in the rendered pull request, read back by the console. Inside a
 * JSON string `--` becomes `-\u002d`, so no reason can close the comment early.
 */
export function formatTrailer(trailer: ChangeTrailer): string {
  return `<!-- ${MARKER} ${JSON.stringify(trailer).replace(/--/g, '-\\u002d')} -->`;
}

/** The last trailer in a body, or undefined when there is none or it does not read as one. */
export function parseTrailer(body: string): ChangeTrailer | undefined {
  // One backward search for the marker and one forward for the end: linear in the body, whatever it holds.
  // Inside the trailer `--` is always escaped, so the first ` -->` after the marker is its end.
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return undefined;
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return undefined;
  const json = body.slice(start + OPEN.length, end);
  if (!json.startsWith('{') || !json.endsWith('}') || json.includes('\n')) return undefined;
  try {
    const parsed = trailerSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
