import type { DataSet, Model, Region } from '../schemas';
import { kafkaReplicatorName } from './names';

/**
 * Which copies replicate where: the one topology the region stacks build their replication from and the
 * failover plans name replicators by, so a plan never names a replicator no stack creates.
 */

/**
 * Regions this region's copy of a data set replicates to. Objects go to every peer whatever the mode:
 * under active-passive only the primary writes, so the reverse rules idle until a failover and then
 * carry the new primary's writes back. Kafka topics are mirrored from the primary only, unless the
 * data set is active-active (MSK Replicator has no idle direction: a mirror consumes what it mirrors).
 */
export function replicationTargets(dataSet: DataSet, region: Region, peers: readonly Region[]): Region[] {
  if (dataSet.store === 's3' || dataSet.mode === 'active-active') return [...peers];
  return region.role === 'primary' ? peers.filter((peer) => peer.role === 'secondary') : [];
}

/** An MSK Replicator: it runs in `target`'s region (its stack creates it, and its metrics are published there). */
export interface KafkaMirror {
  name: string;
  source: Region;
  target: Region;
  /** Sorted, without repeats. */
  topics: string[];
  /** Any mirrored data set is active-active: the mirrored topics keep the source cluster's prefix. */
  activeActive: boolean;
}

/** The replicators writing into `target`, by source in model order. */
export function kafkaMirrorsInto(model: Pick<Model, 'global' | 'regions' | 'replication'>, target: Region): KafkaMirror[] {
  const kafka = model.replication.dataSets.filter((dataSet) => dataSet.store === 'kafka');
  if (!kafka.length) return [];
  return model.regions
    .filter((source) => source.id !== target.id)
    .map((source) => ({ source, mirrored: kafka.filter((dataSet) => replicationTargets(dataSet, source, [target]).length) }))
    .filter(({ mirrored }) => mirrored.length > 0)
    .map(({ source, mirrored }) => ({
      name: kafkaReplicatorName(model.global, source, target),
      source,
      target,
      topics: [...new Set(mirrored.flatMap((dataSet) => dataSet.topics ?? []))].sort(),
      activeActive: mirrored.some((dataSet) => dataSet.mode === 'active-active'),
    }));
}

/** The replicator mirroring `source`'s topics into `target`, if any stack creates one. */
export function kafkaMirror(model: Pick<Model, 'global' | 'regions' | 'replication'>, source: Region, target: Region): KafkaMirror | undefined {
  return kafkaMirrorsInto(model, target).find((mirror) => mirror.source.id === source.id);
}

/** The replicators carrying `dataSet`'s topics into `target`, by source in model order. */
export function kafkaMirrorsOf(model: Pick<Model, 'global' | 'regions' | 'replication'>, dataSet: DataSet, target: Region): KafkaMirror[] {
  return kafkaMirrorsInto(model, target).filter((mirror) => replicationTargets(dataSet, mirror.source, [target]).length > 0);
}
