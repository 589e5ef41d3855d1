import { describe, expect, it } from 'vitest';
import { formatTrailer, parseTrailer } from './trailer';
import type { ChangeTrailer } from './types';

const trailer: ChangeTrailer = {
  id: 'a'.repeat(64),
  intent: { kind: 'weights', weights: { 'us-east-1': 60, 'us-west-2': 40 } },
  reason: 'drain use1 --> before the <!-- maintenance -->',
  requester: '@alice',
  base: 'b'.repeat(40),
  inputHash: 'c'.repeat(64),
  bundleHash: 'd'.repeat(64),
  class: 'normal',
  findings: { total: 1, blocking: 0 },
};

describe('the machine-readable trailer of a console pull request', () => {
  it('reads back what it wrote, even when the reason holds comment markers', () => {
    const body = `## Change plan\n\nsome markdown\n\n${formatTrailer(trailer)}\n`;
    expect(body.match(/-->/g)).toHaveLength(1);
    expect(parseTrailer(body)).toEqual(trailer);
  });

  it('reads nothing from a body without a trailer, or with one edited into something the schema refuses', () => {
    expect(parseTrailer('## Change plan\n')).toBeUndefined();
    expect(parseTrailer(formatTrailer({ ...trailer, requester: 'not a handle' }))).toBeUndefined();
    expect(parseTrailer('<!-- console-change {"id": -->')).toBeUndefined();
  });

  it('reads a hostile 256 KB body of unclosed markers in linear time', () => {
    // Every `<!-- console-change {` opens a scan to the end of the line: a lazy regex would be quadratic here (seconds).
    const hostile = '<!-- console-change {'.repeat(Math.ceil((256 * 1024) / 21));
    const started = performance.now();
    expect(parseTrailer(hostile)).toBeUndefined();
    expect(parseTrailer(`${hostile}\n${formatTrailer(trailer)}`)).toEqual(trailer);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
