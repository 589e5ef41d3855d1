import { loadModel, type Model } from '../../schemas';
import type { FileTree, GateContext } from './gate';

/** The compile stage, handed in by the caller so that judging never imports compiling. */
export interface CompileStage {
  synth(model: Model): FileTree;
  readGenerated(root: string): Promise<FileTree>;
}

/** Loads, synthesizes and reads the committed output once; every gate then judges the same snapshot. */
export async function createGateContext(root: string, compile: CompileStage): Promise<GateContext> {
  const [load, committed] = await Promise.all([loadModel(root), compile.readGenerated(root)]);
  if (load.errors) return { root, load, committed };
  try {
    return { root, load, committed, synthesized: compile.synth(load.model) };
  } catch (error) {
    return { root, load, committed, synthError: error instanceof Error ? error.message : String(error) };
  }
}
