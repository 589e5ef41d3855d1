import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Construct } from 'constructs';
import { regionsOfApp, stableJson, type Model, type Region } from '../../schemas';
import { ERROR_RATE_SLO_MULTIPLE } from './alerts/service-alerts';
import { lagSeconds, lagSignals } from './alerts/replication-alerts';
import { CERTIFICATE_MIN_DAYS } from './alerts/probe-alerts';
import { tidy } from './alerts/alert';
import { addManifest } from './kubernetes-object';
import { regionLabels } from './labels';
import { MONITORING_NAMESPACE } from './monitoring';
import { PROBE_JOB } from './probe-targets';
import { errorRatio, p95LatencySeconds, requestRate, selector } from './service-metrics';

export interface RegionDashboardProps {
  readonly model: Model;
  /** The region whose Grafana loads the dashboard (every region's shows all regions); one of `model.regions`. */
  readonly region: Region;
}

/** Grafana's sidecar loads every ConfigMap carrying this label as a dashboard. */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
/** Grafana refuses dashboard uids longer than this. */
const MAX_UID_LENGTH = 40;
const UID_SUFFIX = '-regions';
const GRID_COLUMNS = 24;
/** The window of the service panels (error ratio, p95 latency, request rate); the console's overview reads the same. */
export const SERVICE_PANEL_WINDOW = '5m';
const PANEL_HEIGHT = 8;

/** The Grafana datasource uid of a region's Prometheus (`observability.prometheusUrl`); Grafana's bootstrap provisions one per region. */
export function prometheusDatasourceUid(region: Region): string {
  return `prometheus-${region.id}`;
}

interface Query {
  readonly expr: string;
  readonly legend: string;
  /** Where the line turns red, usually the alert's threshold. */
  readonly threshold?: number;
}

interface Row {
  readonly title: string;
  readonly unit: string;
  readonly queries: (region: Region) => Query[];
  /** Applies to every query of the row that has no threshold of its own. */
  readonly threshold?: number;
  /** The line turns red below the threshold rather than above it. */
  readonly redBelow?: boolean;
}

/**
 * The regions side by side, one column per model region and one row per signal: error ratio, p95
 * latency, request rate, replication lag per data set, what the region's probes see of the others and
 * the certificates they were shown. Each column queries that region's own Prometheus, so a region that
 * is down shows as a blank column while the others stay readable. Every region's Grafana gets the same
 * dashboard, with a uid fixed by the deployment's name and panel ids by position, so it is byte-for-byte
 * stable.
 */
export class RegionDashboard extends Construct {
  constructor(scope: Construct, id: string, props: RegionDashboardProps) {
    super(scope, id);
    const { model, region } = props;
    const { global } = model;
    if (!model.regions.some((candidate) => candidate.id === region.id)) {
      throw new Error(`RegionDashboard ${id}: region: expected one of the model's regions (${model.regions.map((candidate) => candidate.id).join(', ')}), got ${JSON.stringify(region.id)}`);
    }
    const uid = `${global.name}${UID_SUFFIX}`;
    if (uid.length > MAX_UID_LENGTH) {
      throw new Error(`RegionDashboard ${id}: model.global.name: expected at most ${MAX_UID_LENGTH - UID_SUFFIX.length} characters (the dashboard uid "<name>${UID_SUFFIX}" must fit Grafana's ${MAX_UID_LENGTH}), got ${JSON.stringify(global.name)}`);
    }
    addManifest<IConfigMap>(this, 'dashboard', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${global.name}-region-health-dashboard`, namespace: MONITORING_NAMESPACE, labels: { ...regionLabels(global, region), [GRAFANA_DASHBOARD_LABEL]: '1' } },
      data: { 'region-health.json': stableJson(dashboard(model, uid)) },
    });
  }
}

function dashboard(model: Model, uid: string) {
  const { global } = model;
  const apps = (region: Region) => model.apps.filter((app) => regionsOfApp(model, app).includes(region));
  const probes = (region: Region) => selector({ job: PROBE_JOB, source_region: region.id });
  const rows: Row[] = [
    {
      title: 'error ratio',
      unit: 'percentunit',
      queries: (region) =>
        apps(region).map((app) => ({ expr: errorRatio({ namespace: app.name }, SERVICE_PANEL_WINDOW), legend: app.name, threshold: tidy((ERROR_RATE_SLO_MULTIPLE * app.slo.errorRatePercent) / 100) })),
    },
    {
      title: 'p95 latency',
      unit: 's',
      queries: (region) => apps(region).map((app) => ({ expr: p95LatencySeconds({ namespace: app.name }, SERVICE_PANEL_WINDOW), legend: app.name, threshold: app.slo.p95LatencyMs / 1000 })),
    },
    {
      title: 'request rate',
      unit: 'reqps',
      queries: (region) => apps(region).map((app) => ({ expr: requestRate({ namespace: app.name }, SERVICE_PANEL_WINDOW), legend: app.name })),
    },
    {
      title: 'replication lag',
      unit: 's',
      threshold: global.slo.replicationLagSeconds,
      queries: (region) => lagSignals(model, region).map((signal) => ({ expr: lagSeconds(signal), legend: signal.dataSet.name, threshold: signal.dataSet.lagAlertSeconds })),
    },
    { title: 'probe success', unit: 'bool_yes_no', threshold: 1, redBelow: true, queries: (region) => [{ expr: `probe_success${probes(region)}`, legend: '{{host}}' }] },
    {
      title: 'certificate days left',
      unit: 'd',
      threshold: CERTIFICATE_MIN_DAYS,
      redBelow: true,
      queries: (region) => [{ expr: `(probe_ssl_earliest_cert_expiry${probes(region)} - time()) / 86400`, legend: '{{host}}' }],
    },
  ];
  const width = Math.floor(GRID_COLUMNS / model.regions.length);
  const panels = rows.flatMap((row, rowIndex) =>
    model.regions.map((region, column) => panel(row, region, { id: rowIndex * model.regions.length + column + 1, x: column * width, y: rowIndex * PANEL_HEIGHT, w: width })),
  );
  return {
    title: `${global.name}: regions side by side`,
    uid,
    tags: [global.name, 'multi-region'],
    editable: false,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    annotations: { list: [] },
    templating: { list: [] },
    panels,
  };
}

function panel(row: Row, region: Region, place: { id: number; x: number; y: number; w: number }) {
  const datasource = { type: 'prometheus', uid: prometheusDatasourceUid(region) };
  const queries = row.queries(region);
  const refId = (index: number) => String.fromCharCode(65 + index);
  const [under, over] = row.redBelow ? ['red', 'green'] : ['green', 'red'];
  const thresholds = (threshold: number) => ({ mode: 'absolute', steps: [{ color: under, value: null }, { color: over, value: threshold }] });
  return {
    id: place.id,
    type: 'timeseries',
    title: `${region.id}: ${row.title}`,
    gridPos: { h: PANEL_HEIGHT, w: place.w, x: place.x, y: place.y },
    datasource,
    targets: queries.map((query, index) => ({ refId: refId(index), datasource, expr: query.expr, legendFormat: query.legend })),
    fieldConfig: {
      defaults: {
        unit: row.unit,
        custom: { thresholdsStyle: { mode: 'line' } },
        ...(row.threshold !== undefined ? { thresholds: thresholds(row.threshold) } : {}),
      },
      overrides: queries.flatMap((query, index) =>
        query.threshold === undefined ? [] : [{ matcher: { id: 'byFrameRefID', options: refId(index) }, properties: [{ id: 'thresholds', value: thresholds(query.threshold) }] }],
      ),
    },
  };
}
