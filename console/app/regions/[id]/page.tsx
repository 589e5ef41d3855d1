import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RegionCard } from '../../../components/overview/region-card';
import { HistoryCharts } from '../../../components/region/history-charts';
import { TEST_IDS } from '../../../components/test-ids';
import { formatUtc } from '../../../lib/format';
import { signedIn } from '../../../lib/server';

export async function generateMetadata({ params }: PageProps<'/regions/[id]'>) {
  return { title: (await params).id };
}

export default async function RegionPage({ params }: PageProps<'/regions/[id]'>) {
  const { id } = await params;
  const { caller } = await signedIn(`/regions/${encodeURIComponent(id)}`);
  const overview = await caller.regions.overview();
  const status = overview.regions.find((region) => region.region === id);
  if (!status) notFound();
  return (
    <Box data-testid={TEST_IDS.regionDetail} sx={{ display: 'flex', flexDirection: 'column', gap: 3 }}>
      <Box>
        <Typography variant="body2">
          <Link href="/">Overview</Link> / {id}
        </Typography>
        <Typography variant="h1">{id}</Typography>
        <Typography variant="body2" color="text.secondary">
          Current status as of {formatUtc(overview.generatedAt)}; reload for newer figures, or follow them live on the overview.
        </Typography>
      </Box>
      <Box sx={{ maxWidth: 720 }}>
        <RegionCard status={status} generatedAt={overview.generatedAt} otherRegion={overview.regions.find((region) => region.region !== id)?.region} />
      </Box>
      <HistoryCharts region={id} />
    </Box>
  );
}
