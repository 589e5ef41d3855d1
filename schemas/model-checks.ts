import { cidrContains, cidrsOverlap, parseCidr, type CidrRange } from './cidr';
import { located, type Located } from './located';
import type { App } from './app';
import type { Global } from './global';
import type { Model, ModelSources } from './model';
import { CROSS_REGION_LOAD_TEST, FAILOVER_PAIR_JOINER, SHARED_STACKS, type Region } from './region';
import type { ReplicationRules } from './replication';

/** The parts of a model that passed their own schema; `regions` is undefined unless every region file did. */
export interface ValidParts {
  regions: Region[] | undefined;
  apps: App[];
  replication: ReplicationRules | undefined;
  global: Global | undefined;
}

/**
 * Rules that span files: each file can be valid on its own and the whole still be wrong.
 * `regionFiles` lists every region file, so two files declaring the same id are both reported.
 */
export function checkModel(parts: ValidParts, sources: ModelSources, regionFiles: ReadonlyArray<{ file: string; id: string }>): Located[] {
  return [...(parts.regions ? checkRegions(parts.regions, sources, regionFiles) : []), ...checkApps(parts, sources), ...checkDeclarations(parts, sources), ...checkWaves(parts, sources)];
}

/** Every region is in exactly one promotion wave, or a new version would skip it or reach it twice. */
function checkWaves({ global, regions }: ValidParts, sources: ModelSources): Located[] {
  if (!global || !regions) return [];
  const regionIds = regions.map((region) => region.id);
  const errors: Located[] = [];
  const seen = new Set<string>();
  global.delivery.waves.forEach((wave, waveIndex) =>
    wave.forEach((id, index) => {
      const at = ['delivery', 'waves', waveIndex, index];
      if (!regionIds.includes(id)) errors.push(located(sources.global, at, `a region id (${regionIds.join(', ')})`, JSON.stringify(id)));
      else if (seen.has(id)) errors.push(located(sources.global, at, 'a region not already in an earlier wave', JSON.stringify(id)));
      seen.add(id);
    }),
  );
  const missing = regionIds.filter((id) => !seen.has(id));
  if (missing.length) errors.push(located(sources.global, ['delivery', 'waves'], `every region in one wave`, `no wave for ${missing.join(', ')}`));
  return errors;
}

function checkDeclarations({ global, regions }: ValidParts, sources: ModelSources): Located[] {
  if (!global || !regions) return [];
  const regionIds = regions.map((region) => region.id);
  const errors: Located[] = [];
  global.declarations.forEach((declaration, index) => {
    if (declaration.kind !== 'failover') return;
    for (const end of ['from', 'to'] as const) {
      if (!regionIds.includes(declaration[end])) {
        errors.push(located(sources.global, ['declarations', index, end], `a region id (${regionIds.join(', ')})`, JSON.stringify(declaration[end])));
      }
    }
    if (declaration.from === declaration.to) {
      errors.push(located(sources.global, ['declarations', index, 'to'], `a region other than "from" (${declaration.from})`, JSON.stringify(declaration.to)));
    }
  });
  return errors;
}

function checkRegions(regions: Region[], sources: ModelSources, regionFiles: ReadonlyArray<{ file: string; id: string }>): Located[] {
  const model = { regions };
  const errors: Located[] = [];
  const regionFile = (id: string) => sources.regions[id]!;

  const seenIds = new Map<string, string>();
  for (const { file, id } of regionFiles) {
    if ((SHARED_STACKS as readonly string[]).includes(id)) errors.push(located(file, 'id', `a region id other than ${SHARED_STACKS.join(' or ')} (the shared Terraform stacks)`, JSON.stringify(id)));
    if (id === CROSS_REGION_LOAD_TEST) errors.push(located(file, 'id', `a region id other than ${CROSS_REGION_LOAD_TEST} (the load test across every region)`, JSON.stringify(id)));
    if (id.includes(FAILOVER_PAIR_JOINER)) errors.push(located(file, 'id', `a region id without "${FAILOVER_PAIR_JOINER}" (it joins the two regions in a failover plan's name)`, JSON.stringify(id)));
    const first = seenIds.get(id);
    if (first) errors.push(located(file, 'id', `a region id not already used by ${first}`, JSON.stringify(id)));
    else seenIds.set(id, file);
  }

  const seenAwsRegions = new Map<string, string>();
  for (const region of model.regions) {
    const first = seenAwsRegions.get(region.awsRegion);
    if (first) errors.push(located(regionFile(region.id), 'awsRegion', `an AWS region not already used by ${first}`, JSON.stringify(region.awsRegion)));
    else seenAwsRegions.set(region.awsRegion, regionFile(region.id));
  }

  if (model.regions.length < 2) {
    errors.push(located(model.regions[0] ? regionFile(model.regions[0].id) : 'regions/', '', 'at least two regions (the point is surviving the loss of one)', `${model.regions.length}`));
  }

  const primaries = model.regions.filter((region) => region.role === 'primary');
  if (primaries.length !== 1) {
    const where = primaries.length ? primaries.map((r) => regionFile(r.id)) : model.regions.map((r) => regionFile(r.id));
    for (const file of where) {
      errors.push(located(file, 'role', 'exactly one region with role "primary"', `${primaries.length} primary regions (${primaries.map((r) => r.id).join(', ') || 'none'})`));
    }
  }

  const routings = new Set(model.regions.map((region) => region.traffic.routing));
  if (routings.size > 1) {
    for (const region of model.regions) {
      errors.push(located(regionFile(region.id), 'traffic.routing', 'the same routing mode in every region (one Route 53 record set)', `${JSON.stringify(region.traffic.routing)} while others use ${[...routings].filter((r) => r !== region.traffic.routing).join(', ')}`));
    }
  }

  if (routings.has('failover') && routings.size === 1 && model.regions.length !== 2) {
    for (const region of model.regions) {
      errors.push(located(regionFile(region.id), 'traffic.routing', 'latency or weighted routing for more than two regions (Route 53 failover routing pairs one primary with one secondary)', `"failover" with ${model.regions.length} regions`));
    }
  }

  const seenRecords = new Map<string, string>();
  for (const region of model.regions) {
    const fqdn = `${region.dns.regionalRecord}.${region.dns.zone}`;
    const first = seenRecords.get(fqdn);
    if (first) errors.push(located(regionFile(region.id), 'dns.regionalRecord', `a regional record not already used by ${first}`, JSON.stringify(fqdn)));
    else seenRecords.set(fqdn, region.id);
  }

  errors.push(...checkNetworks(model, regionFile));
  return errors;
}

function checkApps({ regions, apps, replication }: ValidParts, sources: ModelSources): Located[] {
  const errors: Located[] = [];
  const dataSetNames = new Set<string>();
  replication?.dataSets.forEach((dataSet, index) => {
    if (dataSetNames.has(dataSet.name)) {
      errors.push(located(sources.replicationRules, ['dataSets', index, 'name'], 'a data set name used once', JSON.stringify(dataSet.name)));
    }
    dataSetNames.add(dataSet.name);
  });

  const regionIds = new Set(regions?.map((region) => region.id));
  for (const app of apps) {
    const file = sources.apps[app.name]!;
    app.dataSets.forEach((name, index) => {
      if (replication && !dataSetNames.has(name)) {
        errors.push(located(file, ['dataSets', index], `a data set defined in ${sources.replicationRules} (${[...dataSetNames].join(', ')})`, JSON.stringify(name)));
      }
    });
    app.regions?.forEach((id, index) => {
      if (regions && !regionIds.has(id)) errors.push(located(file, ['regions', index], `a region id (${[...regionIds].join(', ')})`, JSON.stringify(id)));
    });
  }
  return errors;
}

function checkNetworks(model: Pick<Model, 'regions'>, regionFile: (id: string) => string): Located[] {
  const errors: Located[] = [];
  const vpcs = model.regions.map((region) => ({ region, range: parseCidr(region.network.vpcCidr)! }));
  vpcs.forEach(({ region, range }, index) => {
    for (const other of vpcs.slice(0, index)) {
      if (cidrsOverlap(range, other.range)) {
        errors.push(located(regionFile(region.id), 'network.vpcCidr', `a VPC CIDR that does not overlap ${other.region.id}'s ${other.range.cidr} (regions are peered)`, JSON.stringify(range.cidr)));
      }
    }
    const subnets: Array<{ path: string; range: CidrRange }> = [];
    for (const tier of ['public', 'private', 'database'] as const) {
      region.network.subnets[tier].forEach((cidr, i) => subnets.push({ path: `network.subnets.${tier}[${i}]`, range: parseCidr(cidr)! }));
    }
    subnets.forEach((subnet, i) => {
      if (!cidrContains(range, subnet.range)) {
        errors.push(located(regionFile(region.id), subnet.path, `a subnet inside the VPC CIDR ${range.cidr}`, JSON.stringify(subnet.range.cidr)));
      }
      const clash = subnets.slice(0, i).find((other) => cidrsOverlap(other.range, subnet.range));
      if (clash) errors.push(located(regionFile(region.id), subnet.path, `a subnet that does not overlap ${clash.path} (${clash.range.cidr})`, JSON.stringify(subnet.range.cidr)));
    });
  });
  return errors;
}
