import { describe, expect, it } from 'vitest';
import { thrown } from '../../tests/helpers/thrown';
import { EditRefused } from './edit-refused';
import { editYamlInput, type YamlEdit } from './edit-yaml';

/** The refusal's one-line message; fails the test when the edit goes through. */
function refusal(source: string, edit: YamlEdit): string {
  return thrown(EditRefused, () => editYamlInput(source, 'regions/global.yaml', [edit])).message;
}

describe('refusing YAML edits that cannot be made safely', () => {
  it('refuses a file that does not parse, with the line of the problem', () => {
    expect(refusal('name: orders\nname: again\n', { op: 'append', path: ['declarations'], item: {} })).toMatch(/^regions\/global\.yaml:2:1: expected YAML that parses, got DUPLICATE_KEY: /);
  });

  it('refuses to append to a key that holds something other than a list', () => {
    expect(refusal('declarations: none\n', { op: 'append', path: ['declarations'], item: {} })).toBe('regions/global.yaml:1:15: declarations: expected a list, got the value "none"');
    expect(refusal('declarations:\n  kind: failover\n', { op: 'append', path: ['declarations'], item: {} })).toBe('regions/global.yaml:2:3: declarations: expected a list, got a mapping');
  });

  it('refuses a value reached through an alias, which would edit the anchor it shares', () => {
    expect(refusal('base: &t\n  weight: 50\ntraffic: *t\n', { op: 'set', path: ['traffic', 'weight'], value: 60 })).toBe('regions/global.yaml:3:10: traffic: expected a mapping, got an alias or another kind of node');
  });

  it('refuses to set a single value where the file holds a list', () => {
    expect(refusal('readOnly: [true]\n', { op: 'set', path: ['readOnly'], value: true })).toBe('regions/global.yaml: readOnly: expected a single value at readOnly, got a list');
  });

  it('refuses a document that is not a mapping', () => {
    expect(refusal('- one\n- two\n', { op: 'set', path: ['readOnly'], value: true })).toBe('regions/global.yaml: expected a YAML mapping at the top level, got another kind of document');
  });
});
