import { actionlintGate } from './actionlint-gate';
import { checkovGate } from './checkov-gate';
import { driftGate } from './drift-gate';
import { eslintGate } from './eslint-gate';
import type { Gate, GateContext, GateResult } from './gate';
import { jsonSchemaGate } from './json-schema-gate';
import { kubernetesSchemaGate } from './kubernetes-schema-gate';
import { kyvernoGate } from './kyverno-gate';
import { modelGate, synthGate } from './model-gate';
import { opaGate } from './opa-gate';
import { outputSafetyGate } from './output-safety-gate';
import { policyGate } from './policy-gate';
import { promtoolGate } from './promtool-gate';
import { sastGate } from './sast-gate';
import { secretsGate } from './secrets-gate';
import { terraformGate } from './terraform-gate';
import { toolchainGate } from './toolchain-gate';
import { typescriptGate } from './typescript-gate';
import { zizmorGate } from './zizmor-gate';

/**
 * Every gate `npm test` runs, in order: the model, the output it compiles to, then each output judged by its own
 * tool, the code and the workflows by theirs.
 */
export const GATES: readonly Gate[] = [
  modelGate,
  synthGate,
  jsonSchemaGate,
  driftGate,
  outputSafetyGate,
  opaGate,
  policyGate,
  terraformGate,
  checkovGate,
  kubernetesSchemaGate,
  kyvernoGate,
  promtoolGate,
  typescriptGate,
  eslintGate,
  actionlintGate,
  zizmorGate,
  secretsGate,
  sastGate,
  toolchainGate,
];

export interface GateOutcome extends GateResult {
  name: string;
  durationMs: number;
}

/**
 * Runs every gate concurrently (most wait on an external tool: terraform, checkov, tsc, opa) and reports
 * them in registry order. A gate that throws has failed; it never aborts the others.
 */
export async function runGates(context: GateContext, gates: readonly Gate[] = GATES): Promise<GateOutcome[]> {
  return Promise.all(
    gates.map(async (gate) => {
      const started = performance.now();
      let result: GateResult;
      try {
        result = await gate.run(context);
      } catch (error) {
        result = { ok: false, summary: 'the gate itself failed', details: [error instanceof Error ? (error.stack ?? error.message) : String(error)] };
      }
      return { name: gate.name, ...result, durationMs: performance.now() - started };
    }),
  );
}
