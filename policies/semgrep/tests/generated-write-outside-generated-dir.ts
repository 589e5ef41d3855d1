import { writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { copyFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

declare const root: string;
declare const region: string;
declare const GENERATED_DIR: string;
declare const generated: { path: string };

export async function handWritten(content: string): Promise<void> {
  // ruleid: generated-write-outside-generated-dir
  await writeFile(path.join(root, 'generated', 'terraform', region, 'cdk.tf.json'), content);
  // ruleid: generated-write-outside-generated-dir
  await fs.writeFile(`${root}/generated/k8s/${region}/extra.yaml`, content);
  // ruleid: generated-write-outside-generated-dir
  writeFileSync(path.join(root, GENERATED_DIR, 'failover', 'plan.md'), content);
  // ruleid: generated-write-outside-generated-dir
  await rename(path.join(root, 'plan.tmp'), path.join(root, 'generated/failover/plan.md'));
  // ruleid: generated-write-outside-generated-dir
  await copyFile('plan.md', 'generated/failover/plan.md');

  // ok: generated-write-outside-generated-dir
  await writeFile(path.join(root, 'operations', 'drills', `${region}.json`), content);
  // A variable that happens to be called generated is not the folder.
  // ok: generated-write-outside-generated-dir
  await writeFile(generated.path, content);
  // ok: generated-write-outside-generated-dir
  await writeFile(path.join(root, 'docs', 'regenerated-notes.md'), content);
}
