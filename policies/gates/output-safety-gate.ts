import { count, describeValue, formatLocated, located, parseYaml, type Located, type PathSegment } from '../../schemas';
import { kubernetesManifests, terraformStacks } from '../engine/input';
import { manifestFormatProblems } from '../engine/kubernetes-names';
import { ALLOWED_FUNCTIONS, judgeTemplate, stackDeclarations } from '../engine/terraform-expressions';
import { fail, pass, type FileTree, type Gate } from './gate';

const SHOWN = 30;

/**
 * Defence in depth behind the input schemas: whatever an input carries, the output means only what the
 * constructs write. Every `${ … }` in a stack is a reference or an allowed call (Terraform evaluates
 * every string as a template), and every name, label and key of a manifest is one the API server accepts.
 *
 * It judges the committed tree, which is what Terraform and Argo CD read, and also a fresh synth's
 * version of every file that differs from it: an input changed without re-running synth is judged
 * here too, not only reported as drift.
 */
export const outputSafetyGate: Gate = {
  name: 'output-safety',
  description:
    `Every interpolation in generated/terraform/*/cdk.tf.json is a reference to the stack's own resources, data sources or locals, or a call of ${ALLOWED_FUNCTIONS.join(', ')} ` +
    '(with literals, references and such calls as arguments, and the for expressions cdktn writes); no template directive. ' +
    "Every manifest's names, namespace, labels, annotation keys and sizes, pod template metadata, matchLabels and ConfigMap keys follow the Kubernetes API server's rules.",
  async run({ committed, synthesized }) {
    const judged = judge(committed);
    if (judged.unreadable) return fail('a generated stack is not JSON', [judged.unreadable]);
    if (!judged.stacks || !judged.manifests) return fail('nothing to judge: no stacks under generated/terraform/ or no manifests under generated/k8s/', ['run `npm run synth` and commit generated/']);
    const problems = judged.problems.map(formatLocated);
    const reported = new Set(problems);
    const fresh = synthesized && new Map([...synthesized].filter(([file, text]) => committed.get(file) !== text));
    if (fresh?.size) {
      const next = judge(fresh);
      if (next.unreadable) problems.push(`${next.unreadable} (as a fresh synth writes it)`);
      for (const problem of next.problems) {
        const line = formatLocated(problem);
        if (!reported.has(line)) problems.push(formatLocated({ ...problem, file: `${problem.file} (as a fresh synth writes it)` }));
      }
    }
    const summary = `${count(judged.expressions, 'Terraform expression')} in ${count(judged.stacks, 'stack')}, ${count(judged.names, 'name, label and key', 'names, labels and keys')} in ${count(judged.manifests, 'manifest')}`;
    if (!problems.length) return pass(`${summary}: all of forms the constructs produce and the API server accepts`);
    return fail(`${count(problems.length, 'problem')} among ${summary}`, [...problems.slice(0, SHOWN), ...(problems.length > SHOWN ? [`… and ${problems.length - SHOWN} more`] : [])]);
  },
};

interface Judged {
  stacks: number;
  expressions: number;
  manifests: number;
  names: number;
  problems: Located[];
  /** Why the stacks could not be read at all. */
  unreadable?: string;
}

function judge(files: FileTree): Judged {
  const judged: Judged = { stacks: 0, expressions: 0, manifests: 0, names: 0, problems: [] };
  let stacks;
  try {
    stacks = terraformStacks(files);
  } catch (error) {
    return { ...judged, unreadable: error instanceof Error ? error.message : String(error) };
  }
  for (const { file, config } of stacks) {
    judged.stacks++;
    const declarations = stackDeclarations(config);
    // Most stacks repeat the same few references hundreds of times; each distinct string is parsed once.
    const memo = new Map<string, ReturnType<typeof judgeTemplate>>();
    walkStrings(config, [], (text, path) => {
      if (!text.includes('${') && !text.includes('%{')) return;
      let result = memo.get(text);
      if (!result) memo.set(text, (result = judgeTemplate(text, declarations)));
      judged.expressions += result.judged;
      for (const { expected, found } of result.problems) judged.problems.push(located(file, path, expected, found));
    });
  }
  for (const { file, text } of kubernetesManifests(files)) {
    judged.manifests++;
    const parsed = parseYaml(file, text);
    const manifest = parsed.value;
    if (parsed.errors.length) judged.problems.push(...parsed.errors);
    else if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) judged.problems.push(located(file, [], 'a Kubernetes object', describeValue(manifest)));
    else {
      const { checked, problems } = manifestFormatProblems(manifest as Record<string, unknown>);
      judged.names += checked;
      for (const { path, expected, found } of problems) judged.problems.push(located(file, path, expected, describeValue(found), parsed.positionOf(path)));
    }
  }
  return judged;
}

/**
 * Calls `visit` with every string of a stack and its JSON path: values, and object keys too, which
 * Terraform reads as templates wherever it reads an object as a value (a tag's key, a map's key).
 */
function walkStrings(node: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[]) => void): void {
  if (typeof node === 'string') visit(node, path);
  else if (Array.isArray(node)) node.forEach((item, index) => walkStrings(item, [...path, index], visit));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, [...path, key]);
      walkStrings(value, [...path, key], visit);
    }
  }
}
