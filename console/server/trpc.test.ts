import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as trpc from './trpc';

const CONSOLE_DIR = path.resolve(import.meta.dirname, '..');

describe('the one tRPC instance', () => {
  it('exports the router, the caller factory and the four procedure builders, nothing else', () => {
    expect(Object.keys(trpc).sort()).toEqual(['approverProcedure', 'createCallerFactory', 'operatorProcedure', 'publicProcedure', 'router', 'viewerProcedure']);
  });

  it('is the only initTRPC in the console', async () => {
    const sources = (await readdir(CONSOLE_DIR, { recursive: true })).filter(
      (file) => /\.(ts|tsx)$/.test(file) && !/(^|\/)(node_modules|\.next)\//.test(file) && !file.endsWith('.test.ts'),
    );
    const using: string[] = [];
    for (const file of sources) if ((await readFile(path.join(CONSOLE_DIR, file), 'utf8')).includes('initTRPC')) using.push(file);
    expect(using).toEqual(['server/trpc.ts']);
  });
});
