import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadModel } from '../../schemas';
import { REPO_ROOT } from '../../tests/helpers/example-repo';
import { synth } from '../synth';
import { manifestYaml } from './manifest-yaml';

const model = (await loadModel(REPO_ROOT)).model!;
const manifests = [...synth(model)].filter(([file]) => file.startsWith('k8s/')).map(([, text]) => parse(text) as unknown);

/** Strings a careless writer would leave plain and a YAML 1.1 or 1.2 reader would turn into something else. */
const TRICKY = [
  'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '', ' leading', 'trailing ', '1', '1.5', '-1', '+1', '.5', '1e3', '0x1F', '0o17',
  '012', '1_000', '1:30', '2026-11-25', '.inf', '.NaN', '- item', '? key', ': x', 'a: b', 'a #b', 'ends:', '#comment', '&anchor', '*alias',
  '!tag', '|', '>', "'quoted'", '"quoted"', '%directive', '@at', '`tick`', '[x]', '{x}', 'a,b', 'tab\there', 'ünïcödé', '=(securityContext)',
  'X(hostPath)', '*.dkr.ecr.*.amazonaws.com/*', 'https://example.com/a?b=c#d', '500m', '512Mi', '25%', '5m', 'multi\nline\n', 'no newline\nat end',
  'kept\n\n\n', '?*', '-x', ':x', '- ', '---', '...', '-.5', '+.inf', '.Inf', '=', '<<', '-2', '1.0', '1d', '12:30:00', '2026-11-25T10:00:00Z', '0b101', '1E+3', '602401143452.dkr.ecr', '-5m', '1.2.3', '0a6c5d', '1e10', '-1_000', '12:30', '+.5', ' indented\nfirst line', 'trailing space \nline', 'crlf\r\nline', '\nleading newline',
];

describe('manifestYaml', () => {
  it('round-trips every generated manifest', () => {
    for (const manifest of manifests) expect(parse(manifestYaml(manifest))).toEqual(manifest);
  });

  it('writes the generated manifests exactly as the yaml package would, so only the speed changes', () => {
    for (const manifest of manifests) expect(manifestYaml(manifest)).toBe(stringify(manifest, { lineWidth: 0 }));
  });

  it('keeps every tricky string a string, as YAML 1.2 and YAML 1.1 (Kubernetes) read it', () => {
    for (const text of TRICKY) {
      const rendered = manifestYaml({ key: text, list: [text], [text || 'empty']: 1 });
      expect(parse(rendered), rendered).toEqual({ key: text, list: [text], [text || 'empty']: 1 });
      expect(parse(rendered, { version: '1.1' }), rendered).toEqual({ key: text, list: [text], [text || 'empty']: 1 });
    }
  });

  it('writes empty collections, nested sequences, numbers, booleans and null', () => {
    const value = { a: [], b: {}, c: [[1, 2], [{ d: true }]], e: null, f: 0.25, g: false };
    expect(parse(manifestYaml(value))).toEqual(value);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => manifestYaml({ a: Number.NaN })).toThrow('manifestYaml: expected a finite number, got NaN');
  });
});
