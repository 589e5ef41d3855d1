import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import Link from 'next/link';
import { LinkButton } from '../link-button';
import type { ReactNode } from 'react';
import { formatMs, formatPercent, formatUtc } from '../../lib/format';
import type { RegionStatus } from '../../lib/types';
import { TEST_IDS } from '../test-ids';
import { ReplicationBar } from './replication-bar';

const HEALTH = {
  healthy: { label: 'Healthy', color: 'success' },
  failing: { label: 'Failing', color: 'error' },
  unknown: { label: 'Health unknown', color: 'default' },
} as const;

const DEGRADED_LABELS = { pauseProducers: 'Producers paused', priorityWritesOnly: 'Priority writes only', serveStaleReads: 'Stale reads served' } as const;

function check(value: boolean | undefined, passing: string, failing: string) {
  return value === undefined ? 'no data' : value ? passing : failing;
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <Box component="div" sx={{ minWidth: 0 }}>
      <Typography component="dt" variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body1" data-testid={testId} sx={{ m: 0, fontWeight: 600, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Box>
  );
}

export function RegionCard({ status, generatedAt, otherRegion }: { status: RegionStatus; generatedAt: string; otherRegion?: string }) {
  const { region, role, source, health, weight, readOnly, degraded } = status;
  const { label, color } = HEALTH[health.state];
  const headingId = `region-${region}-heading`;
  const degradedOn = (Object.keys(DEGRADED_LABELS) as Array<keyof typeof DEGRADED_LABELS>).filter((name) => degraded[name]);
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      data-testid={TEST_IDS.regionCard(region)}
      data-health={health.state}
      variant="outlined"
      sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 1.5, minWidth: 0, borderTop: 4, borderTopColor: color === 'default' ? 'divider' : `${color}.main` }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography id={headingId} variant="h2" sx={{ mr: 'auto' }}>
          <Link href={`/regions/${region}`} style={{ color: 'inherit' }}>
            {region}
          </Link>
        </Typography>
        <Chip size="small" variant="outlined" label={role} />
        <Chip size="small" label={label} color={color} data-testid={TEST_IDS.regionHealth(region)} />
      </Box>
      <Typography variant="body2" color="text.secondary">
        Route 53 check: {check(health.route53, 'passing', 'failing')} · Probe: {check(health.probe, 'up', 'down')}
      </Typography>
      <Typography
        variant="body2"
        data-testid={TEST_IDS.regionFreshness(region)}
        data-fresh={source.ok}
        sx={{ color: source.ok ? 'success.main' : 'warning.main', fontWeight: 600 }}
      >
        {source.ok ? 'live' : source.lastSuccessAt ? `no data since ${formatUtc(source.lastSuccessAt, generatedAt)}; the figures below are the last known` : 'no data yet'}
        {!source.ok && source.error && (
          <Typography component="span" variant="caption" sx={{ display: 'block', color: 'text.secondary', fontWeight: 400, overflowWrap: 'anywhere' }}>
            {source.error}
          </Typography>
        )}
      </Typography>
      <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 1.5 }}>
        <Fact label="p95 latency" testId={TEST_IDS.regionLatency(region)}>
          {formatMs(status.p95LatencyMs)}
        </Fact>
        <Fact label="Error rate" testId={TEST_IDS.regionErrorRate(region)}>
          {formatPercent(status.errorRatePercent)}
        </Fact>
        <Fact label="Weight: configured / effective" testId={TEST_IDS.regionWeight(region)}>
          {weight.configured} % / {weight.effective === undefined ? 'not reported' : `${weight.effective} %`}
        </Fact>
        <Fact label="Writes" testId={TEST_IDS.regionReadOnly(region)}>
          {readOnly ? 'Read-only' : 'Writable'}
        </Fact>
      </Box>
      <Box data-testid={TEST_IDS.regionDegraded(region)}>
        <Typography variant="caption" color="text.secondary" component="p">
          Degraded switches
        </Typography>
        <Typography variant="body2" sx={{ fontWeight: degradedOn.length ? 600 : 400, color: degradedOn.length ? 'warning.main' : 'text.primary' }}>
          {degradedOn.length ? degradedOn.map((name) => DEGRADED_LABELS[name]).join(' · ') : 'none on'}
        </Typography>
      </Box>
      <Box>
        <Typography variant="h3" component="h3">
          Replication lag
        </Typography>
        {status.replication.length ? (
          status.replication.map((entry) => <ReplicationBar key={entry.dataSet} region={region} status={entry} />)
        ) : (
          <Typography variant="body2" color="text.secondary">
            No data sets replicate into this region.
          </Typography>
        )}
      </Box>
      <Box component="nav" aria-label={`Changes for ${region}`} sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, mt: 'auto' }}>
        <LinkButton size="small" variant="outlined" href={`/changes/new?kind=read-only&region=${region}`}>
          {readOnly ? 'Make writable' : 'Set read-only'}
        </LinkButton>
        <LinkButton size="small" variant="outlined" href={`/changes/new?kind=degraded&region=${region}`}>
          Degraded switches
        </LinkButton>
        {otherRegion && (
          <LinkButton size="small" variant="outlined" color="error" href={`/changes/new?kind=guided-failover&from=${region}&to=${otherRegion}`}>
            Fail over to {otherRegion}
          </LinkButton>
        )}
      </Box>
    </Paper>
  );
}
