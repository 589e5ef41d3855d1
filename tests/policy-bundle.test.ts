import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_DIR, buildPolicyBundle, POLICY_SOURCE_DIR } from '../policies/engine/bundle';
import { resolveTool } from '../policies/toolchain/resolve';
import { REPO_ROOT } from './helpers/example-repo';

function opaPath(): string {
  const opa = resolveTool(REPO_ROOT, 'opa');
  if (!opa.ok) throw new Error(`these specifications need the pinned OPA CLI: ${opa.message}`);
  return opa.path;
}

describe('the policy bundle build', () => {
  it('gives the committed bytes wherever the checkout lives', async () => {
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'bundle-elsewhere-'));
    try {
      await cp(path.join(REPO_ROOT, POLICY_SOURCE_DIR), path.join(elsewhere, POLICY_SOURCE_DIR), { recursive: true });
      const built = await buildPolicyBundle(elsewhere, opaPath());
      for (const [file, bytes] of built) {
        expect(Buffer.from(bytes).equals(await readFile(path.join(REPO_ROOT, BUNDLE_DIR, file))), `${BUNDLE_DIR}/${file}`).toBe(true);
      }
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a policy without complete metadata, naming what is missing', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'bundle-metadata-'));
    try {
      await cp(path.join(REPO_ROOT, POLICY_SOURCE_DIR), path.join(scratch, POLICY_SOURCE_DIR), { recursive: true });
      const policy = path.join(scratch, POLICY_SOURCE_DIR, 'traffic/weights-sum-to-100/policy.rego');
      await writeFile(policy, (await readFile(policy, 'utf8')).replace(/^#   severity: high\n/m, ''));
      await expect(buildPolicyBundle(scratch, opaPath())).rejects.toThrow(
        'policies/opa/traffic/weights-sum-to-100/policy.rego: expected a package METADATA block with custom.severity (one of critical, high, medium, low)',
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
