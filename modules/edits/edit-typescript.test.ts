import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editTypeScriptInput } from './edit-typescript';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const region = (id: string) => readFile(path.join(REPO, 'regions', `${id}.ts`), 'utf8');

/** The lines that differ between two texts of equal line count, as [before, after] pairs. */
function changedLines(before: string, after: string): Array<[string, string]> {
  const [a, b] = [before.split('\n'), after.split('\n')];
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]!] as [string, string]]));
}

describe('editing a TypeScript input by syntax-tree span', () => {
  it('changes only the weight literal of the example region, leaving every other byte in place', async () => {
    const source = await region('us-east-1');
    const edited = editTypeScriptInput(source, 'regions/us-east-1.ts', [{ path: ['traffic', 'weight'], value: 60 }]);
    expect(changedLines(source, edited)).toEqual([["  traffic: { weight: 50, routing: 'weighted' },", "  traffic: { weight: 60, routing: 'weighted' },"]]);
  });

  it('sets read-only and a degraded switch in one pass', async () => {
    const source = await region('us-west-2');
    const edited = editTypeScriptInput(source, 'regions/us-west-2.ts', [
      { path: ['readOnly'], value: true },
      { path: ['degradedMode', 'pauseProducers'], value: true },
    ]);
    expect(changedLines(source, edited)).toEqual([
      ['  readOnly: false,', '  readOnly: true,'],
      ['  degradedMode: { pauseProducers: false, priorityWritesOnly: false, serveStaleReads: false },', '  degradedMode: { pauseProducers: true, priorityWritesOnly: false, serveStaleReads: false },'],
    ]);
  });

  it('keeps comments, odd spacing and quoting around the edited value', () => {
    const source = [
      "import type { RegionInput } from '../schemas';",
      '',
      '// The secondary: warm standby.',
      'export default ({',
      "  id: \"us-west-2\", // double quotes on purpose",
      '  traffic: {',
      '    /* half of the traffic */ weight:   50 /* until the migration */,',
      "    routing: 'weighted',",
      '  },',
      '}) satisfies RegionInput;',
      '',
    ].join('\n');
    const edited = editTypeScriptInput(source, 'regions/us-west-2.ts', [
      { path: ['traffic', 'weight'], value: 0 },
      { path: ['id'], value: 'us-west-2b' },
    ]);
    expect(edited).toBe(source.replace('weight:   50', 'weight:   0').replace('"us-west-2"', '"us-west-2b"'));
  });

  it('adds a property the file leaves to its schema default, in the layout of the object it joins', () => {
    const multiLine = "export default {\n  id: 'eu-west-1',\n  // weights follow\n  traffic: { weight: 0 },\n};\n";
    expect(editTypeScriptInput(multiLine, 'regions/eu-west-1.ts', [{ path: ['readOnly'], value: true }])).toBe(
      "export default {\n  id: 'eu-west-1',\n  // weights follow\n  traffic: { weight: 0 },\n  readOnly: true,\n};\n",
    );
    const inline = "export default { id: 'eu-west-1', traffic: { weight: 0 } };\n";
    expect(editTypeScriptInput(inline, 'regions/eu-west-1.ts', [{ path: ['degradedMode', 'serveStaleReads'], value: true }])).toBe(
      "export default { id: 'eu-west-1', traffic: { weight: 0 }, degradedMode: { serveStaleReads: true } };\n",
    );
    const noTrailingComma = "export default {\n  id: 'eu-west-1' /* the id, not the name */\n}\n";
    expect(editTypeScriptInput(noTrailingComma, 'regions/eu-west-1.ts', [{ path: ['readOnly'], value: false }])).toBe(
      "export default {\n  id: 'eu-west-1', /* the id, not the name */\n  readOnly: false\n}\n",
    );
  });

  it('adds after a trailing comma even when a comment before it holds a comma', () => {
    const source = "export default {\n  id: 'x' /* a, b */, // the id\n}\n";
    expect(editTypeScriptInput(source, 'regions/x.ts', [{ path: ['readOnly'], value: true }])).toBe("export default {\n  id: 'x' /* a, b */, // the id\n  readOnly: true,\n}\n");
  });
});
