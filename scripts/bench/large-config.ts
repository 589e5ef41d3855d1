import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AWS_REGIONS } from '../../schemas';

/**
 * A scratch repository with `regionCount` regions and `appCount` apps, written as TypeScript inputs like
 * the example, so the benchmark pays the same loading costs a real repository does.
 */
export async function largeConfigRepo(repoRoot: string, regionCount: number, appCount: number): Promise<string> {
  if (regionCount < 2 || regionCount > 10) throw new Error(`regionCount: expected 2..10, got ${regionCount}`);
  const root = await mkdtemp(path.join(tmpdir(), `bench-${regionCount}x${appCount}-`));
  await mkdir(path.join(root, 'regions'), { recursive: true });
  await mkdir(path.join(root, 'apps'), { recursive: true });
  await mkdir(path.join(root, 'schemas'), { recursive: true });
  for (const file of ['regions/replication-rules.yaml', 'policies/kyverno']) await cp(path.join(repoRoot, file), path.join(root, file), { recursive: true });
  const template = await readFile(path.join(repoRoot, 'regions/us-east-1.ts'), 'utf8');
  const app = await readFile(path.join(repoRoot, 'apps/orders-api.ts'), 'utf8');
  const regions = pickRegions(regionCount);
  // Secondaries first, then the primary: the example's order, at scale.
  const global = await readFile(path.join(repoRoot, 'regions/global.yaml'), 'utf8');
  const waves = `waves:\n    - [${regions.slice(1).join(', ')}]\n    - [${regions[0]}]\n`;
  await writeFile(path.join(root, 'regions/global.yaml'), global.replace(/waves:\n(    - .*\n)+/, waves));
  const weights = regions.map((_, i) => Math.floor(100 / regionCount) + (i < 100 % regionCount ? 1 : 0));
  for (const [i, awsRegion] of regions.entries()) {
    const octet = 10 + i * 10;
    const source = template
      .replace("id: 'us-east-1'", `id: '${awsRegion}'`)
      .replace("awsRegion: 'us-east-1'", `awsRegion: '${awsRegion}'`)
      .replace("role: 'primary'", `role: '${i === 0 ? 'primary' : 'secondary'}'`)
      .replaceAll('10.10.', `10.${octet}.`)
      .replace("regionalRecord: 'api-use1'", `regionalRecord: 'api-${awsRegion}'`)
      .replace('weight: 50', `weight: ${weights[i]}`);
    await writeFile(path.join(root, 'regions', `${awsRegion}.ts`), source);
  }
  for (let i = 1; i <= appCount; i += 1) {
    const name = `orders-api-${String(i).padStart(2, '0')}`;
    await writeFile(path.join(root, 'apps', `${name}.ts`), app.replace("name: 'orders-api'", `name: '${name}'`));
  }
  return root;
}

/** A scratch copy of the example repository's inputs and outputs, so benchmarking never rewrites the checkout. */
export async function exampleCopy(repoRoot: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'bench-example-'));
  for (const entry of ['regions', 'apps', 'generated', 'schemas', 'CODEOWNERS', 'policies/kyverno']) {
    await cp(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  }
  return root;
}

export async function removeRepo(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

function pickRegions(count: number): string[] {
  const preferred = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1', 'us-east-2', 'eu-west-2', 'ap-southeast-2', 'ca-central-1'];
  return preferred.filter((region) => (AWS_REGIONS as readonly string[]).includes(region)).slice(0, count);
}
