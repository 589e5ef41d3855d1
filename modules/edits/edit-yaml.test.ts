import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editYamlInput } from './edit-yaml';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const input = (file: string) => readFile(path.join(REPO, file), 'utf8');

describe('editing a YAML input through the yaml Document API', () => {
  it('appends a declaration to regions/global.yaml and leaves every existing line as it was', async () => {
    const source = await input('regions/global.yaml');
    const declaration = { kind: 'failover', name: 'use1-outage', from: 'us-east-1', to: 'us-west-2', reason: 'us-east-1 is failing: Aurora writer unreachable', declaredBy: '@alice', start: '2026-03-01T03:00:00.000Z', end: '2026-03-01T07:00:00.000Z' };
    const edited = editYamlInput(source, 'regions/global.yaml', [{ op: 'append', path: ['declarations'], item: declaration }]);
    // The file has no declarations key: it is added at the end, and nothing before it moves.
    expect(edited.startsWith(source)).toBe(true);
    expect(edited.slice(source.length)).toBe(
      [
        'declarations:',
        '  - kind: failover',
        '    name: use1-outage',
        '    from: us-east-1',
        '    to: us-west-2',
        '    reason: "us-east-1 is failing: Aurora writer unreachable"',
        '    declaredBy: "@alice"',
        '    start: 2026-03-01T03:00:00.000Z',
        '    end: 2026-03-01T07:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('appends to an existing list in place, keeping its comments', () => {
    const source = ['name: orders', '# Declared by on-call; reviewed by CAB.', 'declarations:', '  - kind: maintenance # quarterly', '    name: q1', 'owners: [] # filled below', ''].join('\n');
    const edited = editYamlInput(source, 'regions/global.yaml', [{ op: 'append', path: ['declarations'], item: { kind: 'maintenance', name: 'q2' } }]);
    expect(edited).toBe(['name: orders', '# Declared by on-call; reviewed by CAB.', 'declarations:', '  - kind: maintenance # quarterly', '    name: q1', '  - kind: maintenance', '    name: q2', 'owners: [] # filled below', ''].join('\n'));
  });

  it('sets a scalar in place, keeping the comment on its line', () => {
    const source = 'readOnly: false # flipped during failovers\ntraffic:\n  weight: 50\n';
    expect(editYamlInput(source, 'regions/eu-west-1.yaml', [{ op: 'set', path: ['readOnly'], value: true }, { op: 'set', path: ['traffic', 'weight'], value: 0 }])).toBe(
      'readOnly: true # flipped during failovers\ntraffic:\n  weight: 0\n',
    );
  });

  it('replaces the releases list of apps/releases.yaml under its header comment', async () => {
    const source = await input('apps/releases.yaml');
    const release = { app: 'orders-api', digest: `sha256:${'a'.repeat(64)}`, regions: ['us-west-2'], startedBy: '@alice' };
    const edited = editYamlInput(source, 'apps/releases.yaml', [{ op: 'replace', path: ['releases'], value: [release] }]);
    expect(edited).toBe(source.replace('releases: []\n', `releases:\n  - app: orders-api\n    digest: sha256:${'a'.repeat(64)}\n    regions:\n      - us-west-2\n    startedBy: "@alice"\n`));
    expect(editYamlInput(edited, 'apps/releases.yaml', [{ op: 'replace', path: ['releases'], value: [] }])).toBe(source);
  });
});
