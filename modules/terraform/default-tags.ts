import type { AwsProviderDefaultTags } from '@cdktn/provider-aws/lib/provider';
import type { ComputedTagKey } from '../../schemas';
import { terraformLiteral } from './terraform-literal';

/**
 * A provider's `default_tags`: the tags the stack computes, then those an input adds. The computed
 * values are applied last, so even a user tag that slipped past the schema's reserved keys cannot
 * override one; this is the one place input text becomes a Terraform tag, so it is made literal here.
 */
export function defaultTags(computed: Partial<Record<ComputedTagKey, string>>, fromInput: Readonly<Record<string, string>> = {}): AwsProviderDefaultTags[] {
  const literal = (tags: Readonly<Record<string, string | undefined>>) =>
    Object.fromEntries(Object.entries(tags).flatMap(([key, value]) => (value === undefined ? [] : [[terraformLiteral(key), terraformLiteral(value)]])));
  // Spreading the computed tags first keeps their keys first in the output; spreading them again makes their values win.
  return [{ tags: { ...literal(computed), ...literal(fromInput), ...literal(computed) } }];
}
