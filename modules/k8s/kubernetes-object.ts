import { ApiObject, type ApiObjectProps } from 'cdk8s';
import type { Construct } from 'constructs';

/** The part every typed model of the kubernetes-models packages shares. */
export interface TypedManifest {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/**
 * Adds a manifest written against a typed model (`IRollout`, `IConfigMap`, …) to a chart. The type
 * argument is required (`NoInfer`), so the literal is checked against the model, unknown fields included;
 * the imports are type-only and cost nothing at synth time. The kubernetes-schema gate then validates the
 * values against the same models' upstream schemas.
 */
export function addManifest<T extends TypedManifest>(scope: Construct, id: string, manifest: NoInfer<T> & { metadata: { name: string } }): ApiObject {
  return new ApiObject(scope, id, manifest as unknown as ApiObjectProps);
}
