import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import Link from 'next/link';
import { LinkButton } from '../../components/link-button';
import { ApprovalsText, ChecksChip, ClassChip, FindingsText } from '../../components/changes/change-chips';
import { listTableSx } from '../../components/list-table';
import { TEST_IDS } from '../../components/test-ids';
import { formatUtcMinutes } from '../../lib/format';
import { describeIntent } from '../../lib/intent';
import { failureMessage, signedIn } from '../../lib/server';
import type { ChangeSummary } from '../../lib/types';

export const metadata = { title: 'Change requests' };

export default async function ChangesPage() {
  const { caller } = await signedIn('/changes');
  let changes: ChangeSummary[] | undefined;
  let problem: string | undefined;
  try {
    changes = await caller.changes.list();
  } catch (error) {
    problem = failureMessage(error);
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h1" sx={{ mr: 'auto' }}>
          Change requests
        </Typography>
        <LinkButton variant="contained" href="/changes/new">
          New change
        </LinkButton>
      </Box>
      {problem && <Alert severity="error">The forge could not list the change requests: {problem}</Alert>}
      {changes && changes.length === 0 && <Typography>No change request has been opened from the console yet.</Typography>}
      {changes && changes.length > 0 && (
        <Box sx={{ overflowX: 'auto' }}>
          <Box component="table" sx={listTableSx} data-testid={TEST_IDS.changesTable}>
            <caption style={{ textAlign: 'left', paddingBottom: 8 }}>Pull requests the console opened, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Pull request</th>
                <th scope="col">Class</th>
                <th scope="col">Policy results</th>
                <th scope="col">Requester and reason</th>
                <th scope="col">Checks</th>
                <th scope="col">Approvals</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr key={change.number} data-testid={TEST_IDS.changeRow(change.number)}>
                  <td>
                    <Link href={`/changes/${change.number}`}>
                      #{change.number} {change.title}
                    </Link>
                    <Typography variant="caption" component="p">
                      {change.state}, opened {formatUtcMinutes(change.createdAt)}
                      {change.change ? ` · ${describeIntent(change.change.intent)}` : ''}
                    </Typography>
                    {change.unverified && (
                      <Typography variant="caption" component="p" color="warning.main" data-testid={TEST_IDS.changeUnverified}>
                        Not made by the console: {change.unverified}
                      </Typography>
                    )}
                  </td>
                  <td>
                    <ClassChip value={change.class} />
                  </td>
                  <td>
                    <FindingsText findings={change.findings} />
                  </td>
                  <td>
                    <strong>{change.requester ?? 'unknown'}</strong>
                    <Typography variant="body2" component="p" sx={{ overflowWrap: 'anywhere' }}>
                      {change.reason ?? 'no reason recorded'}
                    </Typography>
                  </td>
                  <td>
                    <ChecksChip checks={change.checks} />
                  </td>
                  <td>
                    <ApprovalsText reviews={change.reviews} state={change.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </Box>
        </Box>
      )}
    </Box>
  );
}
