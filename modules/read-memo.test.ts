import { describe, expect, it } from 'vitest';
import { createReadMemo, type Files } from './read-memo';

/** One file whose content is `text`: parts build files. */
const file = (text: unknown): Files => new Map([['out', String(text)]]);
const content = (files: Files) => files.get('out');

/** A memo and a counted build: how many times the function really ran. */
function counted<A extends object>(build: (input: A) => unknown) {
  const memo = createReadMemo();
  let runs = 0;
  return {
    call: (input: A) => content(memo.run('part', input, (seen: A) => (runs++, file(build(seen))))),
    runs: () => runs,
  };
}

describe('a read memo', () => {
  it('returns the recorded files, without running the function, for an input that answers its reads alike', () => {
    const ids = counted((model: { regions: Array<{ id: string; weight: number }> }) => model.regions.map((r) => r.id).join(','));
    expect(ids.call({ regions: [{ id: 'a', weight: 50 }, { id: 'b', weight: 50 }] })).toBe('a,b');
    expect(ids.call({ regions: [{ id: 'a', weight: 60 }, { id: 'b', weight: 40 }] })).toBe('a,b');
    expect(ids.runs()).toBe(1);
  });

  it.each([
    ['a value read', { a: { b: 1 } }, { a: { b: 2 } }, (input: any) => input.a.b],
    ['a key listed', { a: 1 }, { a: 1, b: 2 }, (input: any) => Object.keys(input).length],
    ['a name listed', { a: 1 }, { a: 1, b: 2 }, (input: any) => Object.getOwnPropertyNames(input).join()],
    ['an array grown', { list: [1] }, { list: [1, 2] }, (input: any) => input.list.map((x: number) => x * 2).join()],
    ['a membership test', { a: 1 }, { b: 1 }, (input: any) => 'a' in input],
    ['an own-property test', { a: 1 }, { b: 1 }, (input: any) => Object.prototype.hasOwnProperty.call(input, 'a')],
    ['a property gone', { a: 1 }, {}, (input: any) => input.a],
    ['an object turned into a list', { a: { 0: 'x', length: 1 } }, { a: ['x'] }, (input: any) => Array.isArray(input.a)],
    ['a primitive turned into an object', { a: 1 }, { a: { b: 1 } }, (input: any) => typeof input.a],
    ['an object that lost its prototype', { a: {} }, { a: Object.create(null) }, (input: any) => typeof input.a.toString],
    ['an entry of Object.entries', { a: { x: 1 } }, { a: { x: 2 } }, (input: any) => JSON.stringify(Object.entries(input.a))],
    ['an entry of a spread', { a: { x: 1 } }, { a: { x: 2 } }, (input: any) => JSON.stringify({ ...input.a })],
    ['an entry of JSON.stringify', { a: [{ x: 1 }] }, { a: [{ x: '1' }] }, (input: any) => JSON.stringify(input)],
    ['NaN against a number', { a: Number.NaN }, { a: 0 }, (input: any) => String(input.a)],
    ['a key that spells a path', { 'a/1:b': 1, a: { b: 2 } }, { 'a/1:b': 1, a: { b: 3 } }, (input: any) => `${input['a/1:b']},${input.a.b}`],
  ])('runs the function again when the input answers differently: %s', (_, first, second, build) => {
    const memo = createReadMemo();
    expect(content(memo.run('part', first, (input) => file(build(input))))).toBe(String(build(first)));
    expect(content(memo.run('part', second, (input) => file(build(input))))).toBe(String(build(second)));
  });

  it('records nothing from a call that writes to its input; the write happens and later reads see it', () => {
    const input = { count: 1, nested: { value: 1 } };
    const bump = counted((seen: { count: number; nested: { value: number } }) => {
      seen.nested.value;
      seen.nested = { value: ++seen.count };
      return seen.nested.value;
    });
    expect(bump.call(input)).toBe('2');
    expect(bump.call(input)).toBe('3');
    expect(input.count).toBe(3);
    expect(bump.runs()).toBe(2);
  });

  it('records nothing from a call that meets data that is not plain', () => {
    const at = counted((seen: { at: Date }) => seen.at.toISOString());
    const input = { at: new Date(0) };
    expect(at.call(input)).toBe('1970-01-01T00:00:00.000Z');
    input.at.setTime(1000);
    expect(at.call(input)).toBe('1970-01-01T00:00:01.000Z');
    expect(at.runs()).toBe(2);
  });

  it('gives what a plain call gives when the function fails under the proxies', () => {
    const memo = createReadMemo();
    expect(content(memo.run('part', { a: { b: 1 } }, (input) => file(structuredClone(input).a.b)))).toBe('1');
  });

  it('records nothing from a call that throws, and throws', () => {
    const memo = createReadMemo();
    const failing = (input: { a: number }) => {
      if (input.a > 0) throw new Error(`expected a ≤ 0, got ${input.a}`);
      return file(input.a);
    };
    expect(() => memo.run('part', { a: 1 }, failing)).toThrow('expected a ≤ 0, got 1');
    expect(() => memo.run('part', { a: 1 }, failing)).toThrow('expected a ≤ 0, got 1');
  });

  it('hands each caller its own copy of the files', () => {
    const memo = createReadMemo();
    const build = (input: { a: number }) => file(input.a);
    memo.run('part', { a: 1 }, build).set('out', 'changed by a caller');
    expect(content(memo.run('part', { a: 1 }, build))).toBe('1');
  });

  it('keeps one object for one path within a call, so identity comparisons hold', () => {
    const memo = createReadMemo();
    const model = { regions: [{ id: 'a' }, { id: 'b' }] };
    expect(content(memo.run('part', model, (seen) => file(seen.regions[1] === seen.regions.find((region) => region.id === 'b'))))).toBe('true');
  });

  it('keeps the most recent results of each part up to its limit, and parts apart', () => {
    const memo = createReadMemo({ entriesPerPart: 2 });
    let runs = 0;
    const value = (input: { a: number }) => (runs++, file(input.a));
    for (const a of [1, 2, 3]) memo.run('part', { a }, value);
    expect(runs).toBe(3);
    memo.run('part', { a: 3 }, value);
    memo.run('part', { a: 2 }, value);
    expect(runs).toBe(3);
    memo.run('part', { a: 1 }, value);
    expect(runs).toBe(4);
    memo.run('other', { a: 1 }, value);
    expect(runs).toBe(5);
  });

  it('answers reads that came through prototype methods of a list', () => {
    const memo = createReadMemo();
    const sum = (input: { list: number[] }) => file(input.list.reduce((total, x) => total + x, 0));
    expect(content(memo.run('part', { list: [1, 2, 3] }, sum))).toBe('6');
    expect(content(memo.run('part', { list: [1, 2, 4] }, sum))).toBe('7');
  });
});
