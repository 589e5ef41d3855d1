import { z } from 'zod';
import { isoDateTime, owner } from './common';
import { printableToken, singleLineText } from './limits';

/**
 * An accepted exception to one policy for one target, with a reason, an owner and an expiry. An
 * expired waiver fails the gate, so an exception cannot silently become permanent.
 */
export const waiverSchema = z.strictObject({
  /** Policy id, `<group>.<name>`, e.g. `infrastructure.deletion-protection`. */
  policy: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, { error: 'a policy id like "infrastructure.deletion-protection"' }),
  target: z.strictObject({
    file: printableToken('a repository-relative file', 255).min(1, { error: 'a repository-relative file' }),
    /** Dotted path inside the file; the waiver covers it and everything below it. @default the whole file */
    path: printableToken('a dotted path', 1024).default(''),
  }),
  reason: singleLineText(10, 'a reason a reviewer can judge'),
  owner,
  expires: isoDateTime,
});

export const waiversSchema = z.strictObject({
  waivers: z.array(waiverSchema).default([]),
});

export type Waiver = z.output<typeof waiverSchema>;
