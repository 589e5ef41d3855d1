import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { defaultTags } from './default-tags';

const computed = { project: 'orders', region: 'us-west-2', role: 'secondary', residency: 'us', 'managed-by': 'terraform' } as const;
const providerTags = (fromInput?: Record<string, string>) => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-west-2', defaultTags: defaultTags(computed, fromInput) });
  return (synthScratch(stack) as unknown as { provider: { aws: Array<{ default_tags: Array<{ tags: Record<string, string> }> }> } }).provider.aws[0]!.default_tags[0]!.tags;
};

describe('defaultTags', () => {
  it('adds the tags of an input after the computed ones, computed keys first in the output', () => {
    expect(Object.entries(providerTags({ jurisdiction: 'us' }))).toEqual([...Object.entries(computed), ['jurisdiction', 'us']]);
  });

  it('keeps the computed value when an input names a computed key', () => {
    expect(providerTags({ project: 'other', 'managed-by': 'hand' })).toEqual(computed);
  });

  it('makes input text literal for Terraform', () => {
    expect(providerTags({ 'note-${x}': '${file("/etc/hostname")} %{ if true }' })).toMatchObject({ 'note-$${x}': '$${file("/etc/hostname")} %%{ if true }' });
  });
});
