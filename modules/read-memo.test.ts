import { describe, expect, it } from 'vitest';
import { createReadMemo } from './read-memo';

/** A memo and a counted computation: how many times the function really ran. */
function counted<A extends object, T>(compute: (input: A) => T) {
  const memo = createReadMemo();
  let runs = 0;
  return {
    call: (input: A) => memo.run('part', input, (seen: A) => (runs++, compute(seen))),
    runs: () => runs,
  };
}

describe('a read memo', () => {
  it('returns the recorded result, without running the function, for an input that answers its reads alike', () => {
    const region = counted((model: { regions: Array<{ id: string; weight: number }> }) => model.regions.map((r) => r.id).join(','));
    expect(region.call({ regions: [{ id: 'a', weight: 50 }, { id: 'b', weight: 50 }] })).toBe('a,b');
    expect(region.call({ regions: [{ id: 'a', weight: 60 }, { id: 'b', weight: 40 }] })).toBe('a,b');
    expect(region.runs()).toBe(1);
  });

  it.each([
    ['a value read', { a: { b: 1 } }, { a: { b: 2 } }, (input: any) => input.a.b],
    ['a key listed', { a: 1 }, { a: 1, b: 2 }, (input: any) => Object.keys(input).length],
    ['an array grown', { list: [1] }, { list: [1, 2] }, (input: any) => input.list.map((x: number) => x * 2)],
    ['a membership test', { a: 1 }, { b: 1 }, (input: any) => 'a' in input],
    ['a property gone', { a: 1 }, {}, (input: any) => input.a],
    ['an object turned into a list', { a: { 0: 'x', length: 1 } }, { a: ['x'] }, (input: any) => Array.isArray(input.a)],
    ['a primitive turned into an object', { a: 1 }, { a: { b: 1 } }, (input: any) => typeof input.a],
    ['an entry of Object.entries', { a: { x: 1 } }, { a: { x: 2 } }, (input: any) => JSON.stringify(Object.entries(input.a))],
    ['an entry of JSON.stringify', { a: [{ x: 1 }] }, { a: [{ x: '1' }] }, (input: any) => JSON.stringify(input)],
    ['NaN against a number', { a: Number.NaN }, { a: 0 }, (input: any) => String(input.a)],
  ])('runs the function again when the input answers differently: %s', (_, first, second, compute) => {
    const memo = createReadMemo();
    expect(memo.run('part', first, compute)).toEqual(compute(first));
    expect(memo.run('part', second, compute)).toEqual(compute(second));
  });

  it('records nothing from a call that writes to its input, and the write still happens', () => {
    const input = { count: 1 };
    const bump = counted((seen: { count: number }) => ++seen.count);
    expect(bump.call(input)).toBe(2);
    expect(bump.call(input)).toBe(3);
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

  it('records nothing from a call that throws, and throws', () => {
    const memo = createReadMemo();
    const failing = (input: { a: number }) => {
      if (input.a > 0) throw new Error(`expected a ≤ 0, got ${input.a}`);
      return input.a;
    };
    expect(() => memo.run('part', { a: 1 }, failing)).toThrow('expected a ≤ 0, got 1');
    expect(() => memo.run('part', { a: 1 }, failing)).toThrow('expected a ≤ 0, got 1');
  });

  it('keeps one object for one path within a call, so identity comparisons hold', () => {
    const memo = createReadMemo();
    const model = { regions: [{ id: 'a' }, { id: 'b' }] };
    expect(memo.run('part', model, (seen) => seen.regions[1] === seen.regions.find((region) => region.id === 'b'))).toBe(true);
  });

  it('keeps the most recent results of each part up to its limit, and parts apart', () => {
    const memo = createReadMemo({ entriesPerPart: 2 });
    let runs = 0;
    const value = (input: { a: number }) => (runs++, input.a);
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
    const sum = (input: { list: number[] }) => input.list.reduce((total, x) => total + x, 0);
    expect(memo.run('part', { list: [1, 2, 3] }, sum)).toBe(6);
    expect(memo.run('part', { list: [1, 2, 4] }, sum)).toBe(7);
  });
});
