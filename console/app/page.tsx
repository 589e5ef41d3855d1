import Alert from '@mui/material/Alert';
import { LiveOverview } from '../components/overview/live-overview';
import { grafanaPanelUrl } from '../lib/grafana';
import { signedIn } from '../lib/server';

export const metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const { caller } = await signedIn('/');
  const [overview, me] = await Promise.all([caller.regions.overview(), caller.session.me()]);
  const grafanaUrl = me.grafanaUrl;
  const grafana = grafanaUrl ? Object.fromEntries(overview.regions.map(({ region }) => [region, grafanaPanelUrl(grafanaUrl, region)])) : {};
  return (
    <>
      {overview.modelError && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          The inputs at commit {overview.commit.slice(0, 7)} do not load, so configured values may be stale: {overview.modelError}
        </Alert>
      )}
      <LiveOverview initial={overview} grafana={grafana} signInUrl={me.signInUrl} />
    </>
  );
}
