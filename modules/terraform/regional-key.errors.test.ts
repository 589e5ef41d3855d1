import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { RegionalKey } from './regional-key';

describe('RegionalKey rejects', () => {
  it('a deletion window KMS does not allow', () => {
    expect(() => new RegionalKey(scratchStack(), 'key', { name: 'orders-us-east-1', awsRegion: 'us-east-1', deletionWindowDays: 3 })).toThrow(
      'RegionalKey key: deletionWindowDays: expected a whole number of days from 7 to 30, got 3',
    );
  });
});
