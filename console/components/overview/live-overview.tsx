'use client';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { formatUtc, formatUtcMinutes, shortSha } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import type { Overview } from '../../lib/types';
import { TEST_IDS } from '../test-ids';
import { RegionCard } from './region-card';

const LIVE_TEXT = {
  idle: 'Connecting to live updates…',
  connecting: 'Connecting to live updates…',
  pending: 'Live',
  error: 'Live updates stopped',
} as const;

/**
 * The overview as the server rendered it, then kept current by the `regions.live` subscription. Each region
 * carries its own source freshness, so one silent Prometheus shows as stale while the others keep moving.
 */
export function LiveOverview({ initial, grafana, signInUrl }: { initial: Overview; grafana: Record<string, string>; signInUrl: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useQuery(trpc.regions.overview.queryOptions(undefined, { initialData: initial }));
  const live = useSubscription(
    trpc.regions.live.subscriptionOptions(undefined, {
      onData: (overview) => queryClient.setQueryData(trpc.regions.overview.queryKey(), overview),
    }),
  );
  const overview = data ?? initial;
  const liveState = live.status === 'pending' ? 'live' : live.status === 'error' ? 'error' : 'connecting';
  const ids = overview.regions.map((region) => region.region);
  const now = overview.generatedAt;
  const declarations = overview.declarations.filter((declaration) => declaration.end > now);
  const freezes = overview.freezes.filter((freeze) => freeze.end > now);

  return (
    <Box data-testid={TEST_IDS.overview} data-generated-at={overview.generatedAt} sx={{ display: 'flex', flexDirection: 'column', gap: 3 }}>
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h1">Regions</Typography>
        <Typography
          variant="body2"
          role="status"
          data-testid={TEST_IDS.liveStatus}
          data-state={liveState}
          sx={{ color: liveState === 'error' ? 'warning.main' : 'text.secondary', fontWeight: 600 }}
        >
          {LIVE_TEXT[live.status]} · updated {formatUtc(overview.generatedAt)} · commit {shortSha(overview.commit)}
        </Typography>
        {live.status === 'error' && (
          <Button size="small" variant="outlined" onClick={() => live.reset()}>
            Reconnect
          </Button>
        )}
      </Box>
      {live.status === 'error' && (
        <Alert severity="warning">
          The figures below stopped updating at {formatUtc(overview.generatedAt)}: {live.error?.message ?? 'the live connection closed'}
          {live.error?.data?.code === 'UNAUTHORIZED' && (
            <>
              {' '}
              <a href={`${signInUrl}?next=%2F`}>Sign in again</a>.
            </>
          )}
        </Alert>
      )}

      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 22rem), 1fr))' }}>
        {overview.regions.map((status) => (
          <RegionCard key={status.region} status={status} generatedAt={overview.generatedAt} otherRegion={ids.find((id) => id !== status.region)} />
        ))}
      </Box>

      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button variant="contained" component={Link} href="/changes/new?kind=weights">
          Change traffic weights
        </Button>
        <Button variant="outlined" component={Link} href="/changes/new?kind=declare">
          Declare a window
        </Button>
      </Box>

      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 18rem), 1fr))' }}>
        <Paper component="section" variant="outlined" aria-labelledby="declarations-heading" sx={{ p: 2 }} data-testid={TEST_IDS.declarations}>
          <Typography id="declarations-heading" variant="h2" gutterBottom>
            Declarations
          </Typography>
          {declarations.length ? (
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {declarations.map((declaration) => (
                <li key={declaration.name}>
                  <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
                    {declaration.kind === 'failover' ? `Failover ${declaration.from} → ${declaration.to}` : declaration.kind === 'maintenance' ? 'Maintenance' : 'Emergency'}
                  </Typography>{' '}
                  <Typography variant="body2" component="span">
                    {declaration.start > now ? 'scheduled' : 'in force'} {formatUtcMinutes(declaration.start)} – {formatUtcMinutes(declaration.end)}, by {declaration.declaredBy}
                    {declaration.kind === 'emergency' ? `, approved by ${declaration.approvedBy}` : ''}: {declaration.reason}
                  </Typography>
                </li>
              ))}
            </Box>
          ) : (
            <Typography variant="body2">None in force or scheduled.</Typography>
          )}
        </Paper>
        <Paper component="section" variant="outlined" aria-labelledby="freezes-heading" sx={{ p: 2 }} data-testid={TEST_IDS.freezes}>
          <Typography id="freezes-heading" variant="h2" gutterBottom>
            Change freezes
          </Typography>
          {freezes.length ? (
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {freezes.map((freeze) => (
                <li key={freeze.name}>
                  <Typography variant="body2" component="span" sx={{ fontWeight: 600, color: freeze.start <= now ? 'warning.main' : 'text.primary' }}>
                    {freeze.name} {freeze.start <= now ? '(in force)' : '(upcoming)'}
                  </Typography>{' '}
                  <Typography variant="body2" component="span">
                    {formatUtcMinutes(freeze.start)} – {formatUtcMinutes(freeze.end)}: {freeze.reason}
                  </Typography>
                </li>
              ))}
            </Box>
          ) : (
            <Typography variant="body2">No freeze in force or upcoming.</Typography>
          )}
        </Paper>
        <Paper component="section" variant="outlined" aria-labelledby="releases-heading" sx={{ p: 2 }} data-testid={TEST_IDS.releases}>
          <Typography id="releases-heading" variant="h2" gutterBottom>
            Releases in flight
          </Typography>
          {overview.releases.length ? (
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {overview.releases.map((release) => (
                <li key={release.app}>
                  <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
                    {release.app}
                  </Typography>{' '}
                  <Typography variant="body2" component="span" sx={{ overflowWrap: 'anywhere' }}>
                    {release.digest.slice(0, 19)}… in {release.regions.join(', ')}
                  </Typography>{' '}
                  <Link href={`/changes/new?kind=release&app=${release.app}`}>advance or abandon</Link>
                </li>
              ))}
            </Box>
          ) : (
            <Typography variant="body2">No release in flight.</Typography>
          )}
        </Paper>
      </Box>

      {Object.keys(grafana).length > 0 && (
        <Box component="section" aria-labelledby="grafana-heading">
          <Typography id="grafana-heading" variant="h2" gutterBottom>
            Grafana
          </Typography>
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 22rem), 1fr))' }}>
            {Object.entries(grafana).map(([region, url]) => (
              <Box
                key={region}
                component="iframe"
                data-testid={TEST_IDS.grafana(region)}
                src={url}
                title={`Grafana panel for ${region}`}
                loading="lazy"
                referrerPolicy="no-referrer"
                sandbox="allow-scripts allow-same-origin"
                sx={{ width: '100%', height: 260, border: 1, borderColor: 'divider', borderRadius: 1 }}
              />
            ))}
          </Box>
        </Box>
      )}
    </Box>
  );
}
