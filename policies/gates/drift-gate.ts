import { fail, pass, type FileTree, type Gate } from './gate';

const SHOWN = 20;

export const driftGate: Gate = {
  name: 'drift',
  description: 'generated/, CODEOWNERS and schemas/*.schema.json are byte-identical to a fresh synth of the committed inputs.',
  async run({ synthesized, committed }) {
    if (!synthesized) return fail('not run: nothing was synthesized (see the model and synth gates)');
    const differences = compareTrees(synthesized, committed);
    if (!differences.length) return pass(`${committed.size} files match a fresh synth`);
    return fail(`${differences.length === 1 ? '1 file differs' : `${differences.length} files differ`} from a fresh synth; run \`npm run synth\` and commit the result`, [
      ...differences.slice(0, SHOWN),
      ...(differences.length > SHOWN ? [`… and ${differences.length - SHOWN} more`] : []),
    ]);
  },
};

/** One line per differing file: what a fresh synth would add, remove or change, and where the change starts. */
export function compareTrees(fresh: FileTree, committed: FileTree): string[] {
  const lines: string[] = [];
  const files = [...new Set([...fresh.keys(), ...committed.keys()])].sort();
  for (const file of files) {
    const want = fresh.get(file);
    const have = committed.get(file);
    if (want === have) continue;
    if (have === undefined) lines.push(`+ ${file}: missing; a fresh synth creates it`);
    else if (want === undefined) lines.push(`- ${file}: not produced by a fresh synth (stale or hand-made)`);
    else lines.push(`~ ${file}: ${firstDifference(want, have)}`);
  }
  return lines;
}

function firstDifference(fresh: string, committed: string): string {
  const a = fresh.split('\n');
  const b = committed.split('\n');
  const index = a.findIndex((line, i) => line !== b[i]);
  const at = index === -1 ? a.length : index;
  const show = (line: string | undefined) => (line === undefined ? 'end of file' : JSON.stringify(line.trim()));
  return `line ${at + 1}: committed ${show(b[at])}, fresh synth ${show(a[at])}`;
}
