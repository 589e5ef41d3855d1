import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../schemas';
import { kafkaMirror, kafkaMirrorsInto } from './kafka-mirrors';

const ROOT = path.resolve(import.meta.dirname, '..');
let model: Model;

beforeAll(async () => {
  const load = await loadModel(ROOT);
  if (load.errors) throw new Error(load.errors.map((error) => error.message).join('\n'));
  ({ model } = load);
});

const region = (id: string) => model.regions.find((candidate) => candidate.id === id)!;

describe('Kafka mirrors', () => {
  it('mirrors active-passive topics from the primary into the secondary only, as the replicator the secondary stack creates', async () => {
    expect(kafkaMirrorsInto(model, region('us-west-2')).map((mirror) => [mirror.name, mirror.source.id, mirror.target.id, mirror.topics])).toEqual([
      ['orders-us-east-1-to-us-west-2', 'us-east-1', 'us-west-2', ['orders.created', 'orders.updated', 'payments.settled']],
    ]);
    expect(kafkaMirrorsInto(model, region('us-east-1'))).toEqual([]);
    expect(kafkaMirror(model, region('us-west-2'), region('us-east-1'))).toBeUndefined();
    // The stacks' own output agrees: the replicator exists in the us-west-2 stack and nowhere else.
    const stack = async (id: string) => JSON.parse(await readFile(path.join(ROOT, 'generated/terraform', id, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, { replicator_name?: string }>> };
    const names = async (id: string) => Object.values((await stack(id)).resource.aws_msk_replicator ?? {}).map((replicator) => replicator.replicator_name);
    expect(await names('us-west-2')).toEqual(['orders-us-east-1-to-us-west-2']);
    expect(await names('us-east-1')).toEqual([]);
  });

  it('mirrors an active-active data set both ways', () => {
    const activeActive = { ...model, replication: { ...model.replication, dataSets: model.replication.dataSets.map((dataSet) => (dataSet.store === 'kafka' ? { ...dataSet, mode: 'active-active' as const } : dataSet)) } };
    expect(kafkaMirror(activeActive, region('us-west-2'), region('us-east-1'))).toMatchObject({ name: 'orders-us-west-2-to-us-east-1', activeActive: true });
    expect(kafkaMirror(activeActive, region('us-east-1'), region('us-west-2'))).toMatchObject({ name: 'orders-us-east-1-to-us-west-2', activeActive: true });
  });
});
