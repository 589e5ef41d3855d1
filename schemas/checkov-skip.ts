import { z } from 'zod';
import { isoDateTime, owner } from './common';
import { singleLineText } from './limits';

/**
 * A reviewed exception to one checkov check for the resources it names: checkov cannot read a comment
 * in Terraform JSON, so the skip lives here with its reason and owner, and the gate applies it.
 */
export const checkovSkipSchema = z.strictObject({
  /** Check id, e.g. `CKV_AWS_144` or `CKV2_AWS_62`. */
  check: z.string().regex(/^CKV2?_[A-Z0-9]+_\d+$/, { error: 'a checkov check id like "CKV_AWS_144" or "CKV2_AWS_62"' }),
  /**
   * Terraform address as checkov reports it, `<type>.<name>`, where `*` stands for any run of
   * characters (generated names end in a hash), e.g. `aws_s3_bucket.logs_bucket_*`.
   */
  resource: z
    .string()
    .regex(/^(data\.)?[a-z0-9_]+\.[A-Za-z0-9_*-]+$/, { error: 'a Terraform address like "aws_s3_bucket.logs_bucket_*"' })
    .max(255, { error: 'a Terraform address of at most 255 characters' }),
  /** Stack the skip applies to (the folder under generated/terraform/). @default every stack */
  stack: z.string().regex(/^(\*|[a-z0-9][a-z0-9-]*)$/, { error: 'a stack name like "us-east-1", or "*"' }).default('*'),
  reason: singleLineText(20, 'a reason a reviewer can judge'),
  owner,
  /** When the exception must be looked at again; an expired skip fails the gate. @default never */
  expires: isoDateTime.optional(),
});

export const checkovSkipsSchema = z.strictObject({
  skips: z.array(checkovSkipSchema).default([]),
});

export type CheckovSkip = z.output<typeof checkovSkipSchema>;
