import { KUBERNETES_CONFIG_MAP_KEY_MAX, KUBERNETES_LABEL_VALUE_MAX, type PathSegment } from '../../schemas';

/**
 * The API server's rules for the names, labels and keys of an object, from k8s.io/apimachinery
 * (pkg/util/validation, pkg/api/validation) and k8s.io/kubernetes (pkg/apis/core/validation,
 * pkg/apis/rbac/validation). The schemas the kubernetes-schema gate validates against say "a string";
 * the server then refuses the object, or a controller converting a selector does.
 */

/** `a-b.c`, at most 253 characters: most kinds' names, every custom resource's, label and annotation key prefixes. */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `a-b`, at most 63 characters: namespaces. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 label that starts with a letter: Services, whose names become DNS names and environment variables. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A label value, and the name part of a qualified name (where it may not be empty). */
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MAX = 253;
/** A DNS label's limit, and a qualified name's (after its prefix). */
const LABEL_MAX = 63;
/** TotalAnnotationSizeLimitB: keys and values of one object's annotations together, in bytes. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** A ConfigMap's data and binaryData values together (MaxSecretSize, which ConfigMaps share). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

const SUBDOMAIN_RULE = `a DNS-1123 subdomain of at most ${SUBDOMAIN_MAX} characters (lower-case letters, digits, "-" and ".", alphanumeric at both ends of each dot-separated part)`;
const LABEL_RULE = `a DNS-1123 label of at most ${LABEL_MAX} characters (lower-case letters, digits and "-", alphanumeric at both ends)`;
const DNS_1035_RULE = `a DNS-1035 label of at most ${LABEL_MAX} characters (lower-case letters, digits and "-", starting with a letter, ending alphanumeric)`;
const PATH_SEGMENT_RULE = 'a path segment name (not "." or "..", without "/" or "%")';
const QUALIFIED_NAME_RULE = `an optional DNS-1123 subdomain prefix and "/", then a name of at most ${LABEL_MAX} characters (letters, digits, "-", "_" and ".", alphanumeric at both ends)`;
const LABEL_VALUE_RULE = `a label value: empty, or at most ${KUBERNETES_LABEL_VALUE_MAX} characters (letters, digits, "-", "_" and ".", alphanumeric at both ends)`;
const CONFIG_MAP_KEY_RULE = `a ConfigMap key of at most ${KUBERNETES_CONFIG_MAP_KEY_MAX} characters (letters, digits, "-", "_" and "."; not "." or "..", not starting with "..")`;

interface NameRule {
  valid(name: string): boolean;
  rule: string;
}

const subdomain: NameRule = { valid: (name) => name.length <= SUBDOMAIN_MAX && DNS_1123_SUBDOMAIN.test(name), rule: SUBDOMAIN_RULE };
const label: NameRule = { valid: (name) => name.length <= LABEL_MAX && DNS_1123_LABEL.test(name), rule: LABEL_RULE };
const dns1035: NameRule = { valid: (name) => name.length <= LABEL_MAX && DNS_1035_LABEL.test(name), rule: DNS_1035_RULE };
const pathSegment: NameRule = { valid: (name) => name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name), rule: PATH_SEGMENT_RULE };

/** Kinds whose names follow another rule than a DNS-1123 subdomain, the default and every custom resource's. */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  Namespace: label,
  Service: dns1035,
  Role: pathSegment,
  ClusterRole: pathSegment,
  RoleBinding: pathSegment,
  ClusterRoleBinding: pathSegment,
};

export interface FormatProblem {
  path: PathSegment[];
  expected: string;
  found: unknown;
}

/** Every name, label, annotation key and ConfigMap key of a manifest checked, and those the API server would refuse. */
export function manifestFormatProblems(manifest: Record<string, unknown>): { checked: number; problems: FormatProblem[] } {
  const problems: FormatProblem[] = [];
  let checked = 0;
  const check = (ok: boolean, path: PathSegment[], expected: string, found: unknown) => {
    checked++;
    if (!ok) problems.push({ path, expected, found });
  };
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  const metadata = asObject(manifest.metadata);
  const nameRule = NAME_RULES[kind] ?? subdomain;
  check(typeof metadata?.name === 'string' && nameRule.valid(metadata.name), ['metadata', 'name'], `a ${kind} name: ${nameRule.rule}`, metadata?.name);
  if (metadata?.namespace !== undefined) check(typeof metadata.namespace === 'string' && label.valid(metadata.namespace), ['metadata', 'namespace'], `a namespace: ${LABEL_RULE}`, metadata.namespace);

  const labels = (map: unknown, path: PathSegment[]) => {
    for (const [key, value] of Object.entries(asObject(map) ?? {})) {
      check(isQualifiedName(key), [...path, key], `a label key: ${QUALIFIED_NAME_RULE}`, key);
      check(typeof value === 'string' && isLabelValue(value), [...path, key], LABEL_VALUE_RULE, value);
    }
  };
  const objectMeta = (meta: Record<string, unknown> | undefined, path: PathSegment[]) => {
    labels(meta?.labels, [...path, 'labels']);
    const annotations = Object.entries(asObject(meta?.annotations) ?? {});
    let bytes = 0;
    for (const [key, value] of annotations) {
      // The server checks annotation keys in lower case: a prefix may carry capitals there, as nowhere else.
      check(isQualifiedName(key.toLowerCase()), [...path, 'annotations', key], `an annotation key: ${QUALIFIED_NAME_RULE}`, key);
      bytes += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
    }
    if (annotations.length) check(bytes <= ANNOTATIONS_MAX_BYTES, [...path, 'annotations'], `annotations of at most ${ANNOTATIONS_MAX_BYTES} bytes in total`, `${bytes} bytes`);
  };
  objectMeta(metadata, ['metadata']);

  // Pod templates (at any depth: a Rollout's, an AnalysisTemplate job's) carry object metadata the server
  // validates when it creates the pods; a label selector's matchLabels are labels wherever the selector is.
  walk(manifest, [], (node, path) => {
    const template = asObject(node.template);
    if (template?.metadata !== undefined) objectMeta(asObject(template.metadata), [...path, 'template', 'metadata']);
    if (node.matchLabels !== undefined) labels(node.matchLabels, [...path, 'matchLabels']);
  });
  const spec = asObject(manifest.spec);
  if (kind === 'Service' && spec?.selector !== undefined) labels(spec.selector, ['spec', 'selector']);

  if (kind === 'ConfigMap') {
    let bytes = 0;
    const seen = new Set<string>();
    for (const field of ['data', 'binaryData']) {
      for (const [key, value] of Object.entries(asObject(manifest[field]) ?? {})) {
        check(isConfigMapKey(key), [field, key], CONFIG_MAP_KEY_RULE, key);
        if (seen.has(key)) problems.push({ path: [field, key], expected: 'a key in one of data and binaryData, not both', found: key });
        seen.add(key);
        bytes += Buffer.byteLength(typeof value === 'string' ? value : '');
      }
    }
    if (seen.size) check(bytes <= CONFIG_MAP_MAX_BYTES, [], `ConfigMap data of at most ${CONFIG_MAP_MAX_BYTES} bytes in total`, `${bytes} bytes`);
  }
  return { checked, problems };
}

/** `[prefix/]name`: the prefix a DNS-1123 subdomain, the name 1..63 characters. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1)!;
  const prefix = parts.length === 2 ? parts[0]! : undefined;
  if (prefix !== undefined && !subdomain.valid(prefix)) return false;
  return name.length <= LABEL_MAX && QUALIFIED_NAME_PART.test(name);
}

export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= KUBERNETES_LABEL_VALUE_MAX && QUALIFIED_NAME_PART.test(value));
}

export function isConfigMapKey(key: string): boolean {
  return key.length <= KUBERNETES_CONFIG_MAP_KEY_MAX && CONFIG_MAP_KEY.test(key) && key !== '.' && key !== '..' && !key.startsWith('..');
}

/** Calls `visit` with every object in a manifest and its path, the manifest itself included. */
function walk(node: unknown, path: PathSegment[], visit: (node: Record<string, unknown>, path: PathSegment[]) => void): void {
  if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...path, index], visit));
  const object = asObject(node);
  if (!object) return;
  visit(object, path);
  for (const [key, value] of Object.entries(object)) walk(value, [...path, key], visit);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
