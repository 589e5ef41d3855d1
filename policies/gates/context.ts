import { loadModel, type Model } from '../../schemas';
import type { FileTree, GateContext } from './gate';

/** The compile stage, handed in by the caller so that judging never imports compiling. */
export interface CompileStage {
  synthOutputs(model: Model): FileTree;
  readCommitted(root: string, outside: Iterable<string>): Promise<FileTree>;
}

/** Paths a synth writes outside `generated/`; known without a model so drift is checked even when synthesis fails. */
const OUTSIDE_GENERATED = (files: FileTree | undefined) => [...(files?.keys() ?? [])].filter((file) => !file.startsWith('generated/'));

/** Loads, synthesizes and reads the committed output once; every gate then judges the same snapshot. */
export async function createGateContext(root: string, compile: CompileStage, options: Pick<GateContext, 'baseRef' | 'now'> = {}): Promise<GateContext> {
  const load = await loadModel(root);
  let synthesized: FileTree | undefined;
  let synthError: string | undefined;
  if (!load.errors) {
    try {
      synthesized = compile.synthOutputs(load.model);
    } catch (error) {
      synthError = error instanceof Error ? error.message : String(error);
    }
  }
  const committed = await compile.readCommitted(root, OUTSIDE_GENERATED(synthesized));
  return { root, load, committed, synthOutputs: compile.synthOutputs, ...(synthesized ? { synthesized } : {}), ...(synthError ? { synthError } : {}), ...options };
}
