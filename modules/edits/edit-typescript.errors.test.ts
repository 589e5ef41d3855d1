import { describe, expect, it } from 'vitest';
import { thrown } from '../../tests/helpers/thrown';
import { EditRefused } from './edit-refused';
import { editTypeScriptInput } from './edit-typescript';

const FILE = 'regions/us-west-2.ts';

/** The refusal's one-line message; fails the test when the edit goes through. */
function refusal(source: string, path: string[], value: number | boolean | string = 60): string {
  return thrown(EditRefused, () => editTypeScriptInput(source, FILE, [{ path, value }])).message;
}

describe('refusing TypeScript edits that cannot be made safely', () => {
  it('refuses a computed weight, naming the file, the path and the expression', () => {
    const source = "const HALF = 50;\nexport default {\n  traffic: { weight: 100 - HALF, routing: 'weighted' },\n};\n";
    expect(refusal(source, ['traffic', 'weight'])).toBe(
      'regions/us-west-2.ts:3:22: traffic.weight: expected a literal value that can be replaced (60), got a computed value (100 - HALF); edit regions/us-west-2.ts by hand',
    );
  });

  it('refuses a value read from a constant or written as a shorthand property', () => {
    expect(refusal('const readOnly = false;\nexport default { readOnly };\n', ['readOnly'], true)).toMatch(/^regions\/us-west-2\.ts:2:18: readOnly: expected a `key: value` property, got a computed value \(readOnly\)/);
    expect(refusal('import { traffic } from "./shared";\nexport default { traffic };\n', ['traffic', 'weight'])).toMatch(/traffic: expected a `key: value` property/);
  });

  it('refuses an object built elsewhere on the way to the value', () => {
    expect(refusal("import { base } from './base';\nexport default { traffic: base.traffic };\n", ['traffic', 'weight'])).toMatch(/: traffic: expected an object literal, got a computed value \(base\.traffic\)/);
    expect(refusal("import { region } from './factory';\nexport default region('us-west-2');\n", ['readOnly'], true)).toMatch(/^regions\/us-west-2\.ts:2:16: expected an object literal as the default export, got a computed value \(region\('us-west-2'\)\)/);
  });

  it('refuses an object with a spread, which may set the value at run time', () => {
    expect(refusal("import { defaults } from './d';\nexport default { ...defaults, readOnly: false };\n", ['readOnly'], true)).toMatch(/readOnly: expected an object without spreads around the value, got a spread \(\.\.\.defaults\)/);
  });

  it('refuses a computed key and a key defined twice', () => {
    expect(refusal("const k = 'readOnly';\nexport default { [k]: false };\n", ['readOnly'], true)).toMatch(/readOnly: expected an object with plain property names, got a computed property name \(\[k\]\)/);
    expect(refusal('export default { readOnly: false, readOnly: true };\n', ['readOnly'], true)).toMatch(/^regions\/us-west-2\.ts:1:35: readOnly: expected the property once, got 2 definitions of readOnly/);
  });

  it('refuses a file without a default export and one that does not parse', () => {
    expect(refusal("export const region = { readOnly: false };\n", ['readOnly'], true)).toBe('regions/us-west-2.ts: expected a default export (export default { … } satisfies …), got no default export');
    expect(refusal('export default { readOnly: false,, };\n', ['readOnly'], true)).toMatch(/^regions\/us-west-2\.ts:1:\d+: expected TypeScript that parses, got /);
  });
});
