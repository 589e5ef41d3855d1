import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_MAX_BYTES, CONFIG_MAP_MAX_BYTES, isConfigMapKey, isLabelValue, isQualifiedName, manifestFormatProblems } from './kubernetes-names';

const problems = (manifest: Record<string, unknown>) => manifestFormatProblems(manifest).problems.map(({ path, found }) => [path.join('|'), found]);
const configMap = (metadata: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'orders-api', ...metadata }, ...rest });

describe('isQualifiedName', () => {
  it.each(['app', 'app.kubernetes.io/name', 'topology.example.com/region', 'A_b.c-D', 'x', 'a/b'])('accepts %s', (key) => {
    expect(isQualifiedName(key)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['/name', 'an empty prefix'],
    ['example.com/', 'an empty name'],
    ['a/b/c', 'two slashes'],
    ['-app', 'a leading dash'],
    ['app_', 'a trailing underscore'],
    ['Example.com/name', 'an upper-case prefix'],
    ['example..com/name', 'an empty prefix part'],
    [`${'a'.repeat(64)}`, 'a 64-character name'],
    [`${'a'.repeat(254)}/name`, 'a 254-character prefix'],
    ['app name', 'a space'],
    ['ａpp', 'a fullwidth letter'],
  ])('refuses %j (%s)', (key) => {
    expect(isQualifiedName(key)).toBe(false);
  });

  it('accepts a 63-character name under a 253-character prefix', () => {
    expect(isQualifiedName(`${`${'a'.repeat(63)}.`.repeat(3)}${'b'.repeat(61)}/${'c'.repeat(63)}`)).toBe(true);
  });
});

describe('isLabelValue', () => {
  it.each(['', 'orders', 'example-org.orders-team', 'A_1', 'a'.repeat(63)])('accepts %j', (value) => {
    expect(isLabelValue(value)).toBe(true);
  });

  it.each(['a'.repeat(64), '-a', 'a-', 'a b', 'a/b', '${x}', 'a\nb', '.a'])('refuses %j', (value) => {
    expect(isLabelValue(value)).toBe(false);
  });
});

describe('isConfigMapKey', () => {
  it.each(['read-only', 'flag.crdt-carts', '_x', '.hidden', 'a'.repeat(253), 'dashboard.json'])('accepts %j', (key) => {
    expect(isConfigMapKey(key)).toBe(true);
  });

  it.each(['', '.', '..', '..x', 'a b', 'a/b', 'a:b', 'a'.repeat(254), 'ключ'])('refuses %j', (key) => {
    expect(isConfigMapKey(key)).toBe(false);
  });
});

describe('manifestFormatProblems', () => {
  it('counts every name, label and key it checks, and finds nothing wrong in a valid ConfigMap', () => {
    const result = manifestFormatProblems(configMap({ labels: { 'app.kubernetes.io/name': 'orders-api' }, annotations: { 'argocd.argoproj.io/sync-wave': '0' } }, { data: { 'read-only': 'false' } }));
    // name, namespace, label key and value, annotation key, annotations size, data key, data size
    expect(result).toEqual({ checked: 8, problems: [] });
  });

  it('checks a Namespace name as a DNS-1123 label (63), most kinds as a subdomain (253)', () => {
    expect(problems({ kind: 'Namespace', metadata: { name: 'a'.repeat(64) } })).toEqual([['metadata|name', 'a'.repeat(64)]]);
    expect(problems({ kind: 'Namespace', metadata: { name: 'a.b' } })).toEqual([['metadata|name', 'a.b']]);
    expect(problems(configMap({ name: 'a.b' }))).toEqual([]);
    expect(problems(configMap({ name: `${'a'.repeat(63)}.`.repeat(4).slice(0, 253) }))).toEqual([]);
    expect(problems(configMap({ name: 'a'.repeat(254) }))).toEqual([['metadata|name', 'a'.repeat(254)]]);
    expect(problems({ kind: 'Rollout', metadata: { name: 'Orders' } })).toEqual([['metadata|name', 'Orders']]);
  });

  it('checks a Service name as a DNS-1035 label: it must start with a letter', () => {
    expect(problems({ kind: 'Service', metadata: { name: '1-orders' } })).toEqual([['metadata|name', '1-orders']]);
    expect(problems({ kind: 'ConfigMap', metadata: { name: '1-orders' } })).toEqual([]);
  });

  it('checks RBAC names as path segments, which may hold a colon', () => {
    expect(problems({ kind: 'ClusterRole', metadata: { name: 'system:orders' } })).toEqual([]);
    expect(problems({ kind: 'ClusterRole', metadata: { name: 'a/b' } })).toEqual([['metadata|name', 'a/b']]);
    expect(problems({ kind: 'RoleBinding', metadata: { name: '..' } })).toEqual([['metadata|name', '..']]);
  });

  it('requires a name, and checks the namespace as a label', () => {
    expect(problems({ kind: 'ConfigMap', metadata: { namespace: 'Orders' } })).toEqual([
      ['metadata|name', undefined],
      ['metadata|namespace', 'Orders'],
    ]);
    expect(problems({ kind: 'ConfigMap' })).toEqual([['metadata|name', undefined]]);
  });

  it('checks label keys and values, a value that is not a string included', () => {
    expect(problems(configMap({ labels: { 'owner': 'example-org.orders-team', 'bad key': 'x', 'tier': 'a'.repeat(64), 'flag': true, 'empty': '' } }))).toEqual([
      ['metadata|labels|bad key', 'bad key'],
      ['metadata|labels|tier', 'a'.repeat(64)],
      ['metadata|labels|flag', true],
    ]);
  });

  it('checks annotation keys in lower case, as the API server does', () => {
    expect(problems(configMap({ annotations: { 'Example.com/Checksum': 'x', 'example.com/a/b': 'y' } }))).toEqual([['metadata|annotations|example.com/a/b', 'example.com/a/b']]);
  });

  it('limits the annotations of an object to 256 KiB, keys and values together', () => {
    const value = 'x'.repeat(ANNOTATIONS_MAX_BYTES - 'a'.length);
    expect(problems(configMap({ annotations: { a: value } }))).toEqual([]);
    expect(problems(configMap({ annotations: { a: `${value}x` } }))).toEqual([['metadata|annotations', `${ANNOTATIONS_MAX_BYTES + 1} bytes`]]);
    expect(problems(configMap({ annotations: { a: 'é'.repeat(ANNOTATIONS_MAX_BYTES / 2) } }))).toEqual([['metadata|annotations', `${ANNOTATIONS_MAX_BYTES + 1} bytes`]]);
  });

  it('checks pod template metadata at any depth, and every matchLabels', () => {
    const rollout = {
      kind: 'Rollout',
      metadata: { name: 'orders-api' },
      spec: {
        selector: { matchLabels: { app: 'orders api' } },
        template: {
          metadata: { labels: { 'bad/key/x': 'orders-api' }, annotations: { '-x': 'y' } },
          spec: { topologySpreadConstraints: [{ labelSelector: { matchLabels: { app: '-' } } }] },
        },
      },
    };
    expect(problems(rollout)).toEqual([
      ['spec|template|metadata|labels|bad/key/x', 'bad/key/x'],
      ['spec|template|metadata|annotations|-x', '-x'],
      ['spec|selector|matchLabels|app', 'orders api'],
      ['spec|template|spec|topologySpreadConstraints|0|labelSelector|matchLabels|app', '-'],
    ]);
  });

  it("checks a Service's selector, a plain label map", () => {
    expect(problems({ kind: 'Service', metadata: { name: 'orders-api' }, spec: { selector: { app: 'orders_' } } })).toEqual([['spec|selector|app', 'orders_']]);
  });

  it('checks ConfigMap keys in data and binaryData, each key in only one of them', () => {
    expect(problems(configMap({}, { data: { 'a b': 'x', '..x': 'y', ok: 'z' }, binaryData: { ok: 'eg==' } }))).toEqual([
      ['data|a b', 'a b'],
      ['data|..x', '..x'],
      ['binaryData|ok', 'ok'],
    ]);
  });

  it('limits a ConfigMap to 1 MiB of data', () => {
    expect(problems(configMap({}, { data: { a: 'x'.repeat(CONFIG_MAP_MAX_BYTES), b: 'x' } }))).toEqual([['', `${CONFIG_MAP_MAX_BYTES + 1} bytes`]]);
  });

  it('names what it expected for each kind of rule', () => {
    const expected = manifestFormatProblems({ kind: 'Service', metadata: { name: 'A', namespace: 'B', labels: { c: '-' } } }).problems.map((problem) => problem.expected);
    expect(expected).toEqual([
      'a Service name: a DNS-1035 label of at most 63 characters (lower-case letters, digits and "-", starting with a letter, ending alphanumeric)',
      'a namespace: a DNS-1123 label of at most 63 characters (lower-case letters, digits and "-", alphanumeric at both ends)',
      'a label value: empty, or at most 63 characters (letters, digits, "-", "_" and ".", alphanumeric at both ends)',
    ]);
  });
});
