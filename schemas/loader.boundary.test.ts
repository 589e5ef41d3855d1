import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRevision, RevisionError } from '../policies/engine/change';
import { edit, exampleRepo, loadErrorsAfter, put, REPO_ROOT } from '../tests/helpers/example-repo';
import { formatLocated, loadModel } from '.';

const REGION = 'regions/us-west-2.ts';
// Well above what a real input takes on a loaded machine, since the limit applies to every input of the copy.
const TIMEOUT_MS = 1_000;
const LIMIT = '1 s';

/** The region file with `lines` added after its type import (line 1), so they start on line 2. */
const withLines = (...lines: string[]) => (root: string) => edit(root, REGION, "from '../schemas';\n", `from '../schemas';\n${lines.join('\n')}\n`);

describe('a TypeScript input may import types from schemas/ and nothing else', () => {
  it('accepts type imports in either spelling, since esbuild erases both', async () => {
    const root = await exampleRepo();
    await edit(root, REGION, "import type { RegionInput } from '../schemas';", "import { type RegionInput } from '../schemas';\nimport type { AppInput } from '../schemas';");
    const result = await loadModel(root);
    expect(result.errors).toBeUndefined();
  });

  it('refuses a value import from schemas/ where it stands', async () => {
    const errors = await loadErrorsAfter(async (root) => {
      await withLines("import { regionSchema } from '../schemas';", 'regionSchema.parse({});')(root);
    });
    expect(errors).toEqual([`${REGION}:2:30: expected only type imports from schemas/, got an import of "../schemas"`]);
  });

  it('refuses a node: builtin', async () => {
    const errors = await loadErrorsAfter(withLines("import { readFileSync } from 'node:fs';", "readFileSync('/etc/hostname');"));
    expect(errors).toEqual([`${REGION}:2:30: expected only type imports from schemas/, got an import of "node:fs"`]);
  });

  it('refuses a relative helper file rather than inlining it', async () => {
    const errors = await loadErrorsAfter(async (root) => {
      await mkdir(path.join(root, 'regions/shared'));
      await put(root, 'regions/shared/weights.ts', 'export const weight = 50;\n');
      await withLines("import { weight } from './shared/weights';", 'console.log(weight);')(root);
    });
    expect(errors).toEqual([`${REGION}:2:24: expected only type imports from schemas/, got an import of "./shared/weights"`]);
  });

  it('refuses a package, a dynamic import() and a require()', async () => {
    const errors = await loadErrorsAfter(withLines("import { parse } from 'yaml';", "void import('node:child_process');", "require('node:os');", 'parse("");'));
    expect(errors).toEqual([
      `${REGION}:2:23: expected only type imports from schemas/, got an import of "yaml"`,
      `${REGION}:3:13: expected only type imports from schemas/, got an import of "node:child_process"`,
      `${REGION}:4:9: expected only type imports from schemas/, got an import of "node:os"`,
    ]);
  });

  it('evaluates without process, require, fetch, timers or Buffer, so an input cannot exit or reach the machine', async () => {
    const ambient = ['process', 'require', 'fetch', 'setTimeout', 'Buffer'].map((name) => `typeof globalThis.${name}`).join(', ');
    expect(await loadErrorsAfter(withLines('process.exit(3);'))).toEqual([`${REGION}: expected a module that evaluates without throwing, got ReferenceError: process is not defined`]);
    expect(await loadErrorsAfter(withLines("const load = eval('require');", "load('node:fs');"))).toEqual([
      `${REGION}: expected a module that evaluates without throwing, got EvalError: Code generation from strings disallowed for this context`,
    ]);
    expect(await loadErrorsAfter(withLines(`throw new Error([${ambient}].join(' '));`))).toEqual([
      `${REGION}: expected a module that evaluates without throwing, got Error: undefined undefined undefined undefined undefined`,
    ]);
  });
});

describe('a TypeScript input cannot reach the host through its context', () => {
  afterEach(() => {
    delete process.env.MR_ESCAPED;
  });

  it.each([
    ['the global object', '(globalThis as any).constructor.constructor'],
    ['an object literal', '({}).constructor.constructor'],
    ["the global object's prototype", '(Object.getPrototypeOf(globalThis) as any).constructor.constructor'],
    ['a function', '(() => 0).constructor'],
  ])('finds no host Function through %s', async (_, reach) => {
    const errors = await loadErrorsAfter(withLines(`const host = ${reach}('return process')();`, "host.env.MR_ESCAPED = 'yes';"));
    expect(process.env.MR_ESCAPED).toBeUndefined();
    expect(errors).toEqual([`${REGION}: expected a module that evaluates without throwing, got EvalError: Code generation from strings disallowed for this context`]);
  });

  it("has its own Function and no console, so nothing in the context is the host's", async () => {
    const probes = ['(globalThis as any).constructor.constructor === Function', '({}).constructor.constructor === Function', "typeof (globalThis as any).console"];
    const errors = await loadErrorsAfter(withLines(`throw new Error([${probes.join(', ')}].join(' '));`));
    expect(errors).toEqual([`${REGION}: expected a module that evaluates without throwing, got Error: true true undefined`]);
  });
});

describe('a TypeScript input finishes loading within a time limit', () => {
  beforeEach(() => {
    process.env.MR_INPUT_TIMEOUT_MS = String(TIMEOUT_MS);
  });
  afterEach(() => {
    delete process.env.MR_INPUT_TIMEOUT_MS;
  });

  it('turns an endless loop into a located error instead of a hang', async () => {
    const started = performance.now();
    const errors = await loadErrorsAfter(withLines('for (;;) {}'));
    expect(errors).toEqual([`${REGION}: did not finish loading within ${LIMIT}`]);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('counts promise jobs the input queues against the same limit', async () => {
    const errors = await loadErrorsAfter(withLines('void Promise.resolve().then(() => { for (;;) {} });'));
    expect(errors).toEqual([`${REGION}: did not finish loading within ${LIMIT}`]);
  });

  it('shows what an input throws without running its code outside the limit', async () => {
    expect(await loadErrorsAfter(withLines('throw { toString() { for (;;) {} } };'))).toEqual([`${REGION}: did not finish loading within ${LIMIT}`]);
    expect(await loadErrorsAfter(withLines('throw { get code() { for (;;) {} } };'))).toEqual([`${REGION}: expected a module that evaluates without throwing, got [object Object]`]);
  });

  it('evaluates the inputs of a base ref the same way, so plan-change cannot hang on a base', async () => {
    const root = await exampleRepo();
    await withLines('while (true) {}')(root);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('-c', 'user.name=Example', '-c', 'user.email=example@example.com', 'commit', '--quiet', '-m', 'base');
    const failure = await loadRevision(root, 'main').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RevisionError);
    expect((failure as RevisionError).errors.map(formatLocated)).toEqual([`${REGION}: did not finish loading within ${LIMIT}`]);

    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'plan-change', '--root', root, '--base', 'main'], {
      encoding: 'utf8',
      env: { ...process.env, MR_INPUT_TIMEOUT_MS: String(TIMEOUT_MS) },
      timeout: 60_000,
    });
    expect(run.stderr).toContain(`${REGION}: did not finish loading within ${LIMIT}`);
    expect(run.status).toBe(1);
  });
});

describe('only plain data leaves a TypeScript input', () => {
  it('refuses a function where a value belongs, at its path', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, REGION, "path: '/healthz'", "path: () => '/healthz'"));
    expect(errors).toEqual([`${REGION}: healthCheck.path: expected plain data (objects, arrays, strings, numbers, booleans, null), got a function`]);
  });

  it('refuses a getter without running it, even one that would never return', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, REGION, 'weight: 50,', 'get weight(): number { for (;;) {} },'));
    expect(errors).toEqual([`${REGION}: traffic.weight: expected plain data (objects, arrays, strings, numbers, booleans, null), got a getter`]);
  });

  it('refuses a class instance and a symbol key', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, REGION, 'readOnly: false,', "readOnly: false,\n  [Symbol('hidden')]: true,"));
    expect(errors).toEqual([`${REGION}: expected plain data (objects, arrays, strings, numbers, booleans, null), got a symbol key Symbol(hidden)`]);
    const instance = await loadErrorsAfter((root) => edit(root, REGION, 'network: {', 'network: new (class Network {})() ?? {'));
    expect(instance).toEqual([`${REGION}: network: expected plain data (objects, arrays, strings, numbers, booleans, null), got an instance of Network`]);
  });
});

describe('what leaves a TypeScript input is bounded in size and depth', () => {
  /** The region with `bomb` set to what the lines before it build. */
  const withBomb = (...lines: string[]) => async (root: string) => {
    await withLines(...lines)(root);
    await edit(root, REGION, 'readOnly: false,', 'readOnly: false,\n  bomb,');
  };

  it('refuses an object reached twice, so a few shared references cannot copy into billions of values', async () => {
    const started = performance.now();
    const errors = await loadErrorsAfter(withBomb("let bomb: unknown = ['x'];", 'for (let i = 0; i < 40; i++) bomb = [bomb, bomb];'));
    expect(errors).toContain(`${REGION}: bomb[1]: expected plain data (objects, arrays, strings, numbers, booleans, null), got an object already used elsewhere in the input (a shared reference or a cycle)`);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses a cycle', async () => {
    const errors = await loadErrorsAfter(withBomb('const bomb: Record<string, unknown> = {};', 'bomb.self = bomb;'));
    expect(errors).toEqual([`${REGION}: bomb.self: expected plain data (objects, arrays, strings, numbers, booleans, null), got an object already used elsewhere in the input (a shared reference or a cycle)`]);
  });

  it('refuses nesting deeper than 64 levels with one located error instead of a stack overflow', async () => {
    const errors = await loadErrorsAfter(withBomb('let bomb: unknown = 0;', 'for (let i = 0; i < 200000; i++) bomb = [bomb];'));
    expect(errors).toEqual([`${REGION}: bomb${'[0]'.repeat(63)}: expected plain data (objects, arrays, strings, numbers, booleans, null), got nesting at most 64 levels deep, got deeper`]);
  });

  it('refuses source nested 100 000 brackets deep before compiling it', async () => {
    const started = performance.now();
    const errors = await loadErrorsAfter(withLines(`export const deep = ${'['.repeat(100_000)}${']'.repeat(100_000)};`));
    expect(errors).toEqual([`${REGION}:2:1: expected TypeScript nested at most 64 brackets deep, got deeper nesting`]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops copying after 100 000 values', async () => {
    const errors = await loadErrorsAfter(withBomb('const bomb = Array.from({ length: 1000 }, () => Array.from({ length: 200 }, (_, i) => i));'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^regions\/us-west-2\.ts: bomb\[\d+\]\[\d+\]: expected plain data .*, got at most 100000 values in all, got more$/);
    const sparse = await loadErrorsAfter(withBomb('const bomb: unknown[] = [];', 'bomb.length = 2 ** 32 - 1;'));
    expect(sparse).toEqual([`${REGION}: bomb: expected plain data (objects, arrays, strings, numbers, booleans, null), got at most 100000 values in all, got an array of length 4294967295`]);
  });
});
