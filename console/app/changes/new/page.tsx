import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { SINGLE_LINE_TEXT_MAX } from '../../../../schemas';
import { DEGRADED_SWITCHES } from '../../../../schemas/change-request';
import { ChangeComposer } from '../../../components/changes/change-composer';
import { INTENT_KINDS, type IntentKind } from '../../../components/changes/drafts';
import { signedIn } from '../../../lib/server';
import { services } from '../../../server/services';

export const metadata = { title: 'New change' };

function param(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[a-z0-9-]{1,63}$/.test(value) ? value : undefined;
}

export default async function NewChangePage({ searchParams }: PageProps<'/changes/new'>) {
  const query = await searchParams;
  const kind = param(query.kind);
  const initial = {
    kind: INTENT_KINDS.includes(kind as IntentKind) ? (kind as IntentKind) : 'weights',
    ...Object.fromEntries((['region', 'from', 'to', 'app'] as const).flatMap((name) => (param(query[name]) ? [[name, param(query[name])]] : []))),
  };
  const { caller } = await signedIn(`/changes/new?${new URLSearchParams(Object.entries(initial))}`);
  // The model the overview shows and previews build on: the forge's default branch, not the console's checkout.
  const [overview, me, loaded] = await Promise.all([
    caller.regions.overview(),
    caller.session.me(),
    services()
      .metrics.model()
      .then(({ model }) => ({ model, problem: undefined }), (error: Error) => ({ model: undefined, problem: error.message })),
  ]);
  const inFlight = new Map(overview.releases.map((release) => [release.app, release]));
  const apps = (loaded.model?.apps ?? []).map((app) => {
    const release = inFlight.get(app.name);
    return { name: app.name, ...(release ? { inFlight: { digest: release.digest, regions: release.regions } } : {}) };
  });
  const regions = overview.regions.map(({ region, role, weight, readOnly, degraded }) => ({ id: region, role, weight: weight.configured, readOnly, degraded }));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box>
        <Typography variant="h1">New change request</Typography>
        <Typography variant="body2" color="text.secondary">
          Nothing changes until the pull request is reviewed and merged: the console edits the inputs on a branch, judges them with the same policies as CI,
          and opens the pull request only when you submit.
        </Typography>
      </Box>
      {loaded.problem && <Alert severity="error">The default branch&apos;s inputs are not available: {loaded.problem}</Alert>}
      <ChangeComposer
        regions={regions}
        apps={apps}
        switches={DEGRADED_SWITCHES}
        initial={initial}
        canSubmit={me.canSubmit}
        reasonMaxLength={SINGLE_LINE_TEXT_MAX}
        now={new Date().toISOString()}
      />
    </Box>
  );
}
