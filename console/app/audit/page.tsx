import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { LinkButton } from '../../components/link-button';
import { listTableSx } from '../../components/list-table';
import { TEST_IDS } from '../../components/test-ids';
import { formatUtc, shortSha } from '../../lib/format';
import { describeIntent } from '../../lib/intent';
import { signedIn } from '../../lib/server';
import type { AuditRecord } from '../../lib/types';

export const metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;
const OUTCOME_COLOR: Record<AuditRecord['outcome'], 'success' | 'info' | 'warning' | 'error' | 'default'> = {
  opened: 'success',
  replayed: 'success',
  previewed: 'info',
  rebased: 'warning',
  conflict: 'warning',
  blocked: 'error',
  forbidden: 'error',
  error: 'error',
};

export default async function AuditPage({ searchParams }: PageProps<'/audit'>) {
  const before = (await searchParams).before;
  const cursor = typeof before === 'string' && /^[0-9]{1,15}$/.test(before) ? Number(before) : undefined;
  const { caller } = await signedIn(cursor === undefined ? '/audit' : `/audit?before=${cursor}`);
  const page = await caller.audit.list({ limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant="h1">Audit log</Typography>
      <Typography variant="body2" color="text.secondary">
        Every preview and submit attempt, refusals included, newest first. The log is append-only.
      </Typography>
      {page.unreadable > 0 && (
        <Typography variant="body2" sx={{ color: 'warning.main', fontWeight: 600 }}>
          {page.unreadable} line{page.unreadable === 1 ? ' is' : 's are'} not readable records (a write torn by a crash) in this range.
        </Typography>
      )}
      {page.records.length === 0 ? (
        <Typography>No change attempt recorded yet.</Typography>
      ) : (
        <Box sx={{ overflowX: 'auto' }}>
          <Box
            component="table"
            data-testid={TEST_IDS.auditTable}
            sx={listTableSx}
          >
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">What and why</th>
                <th scope="col">Base</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {page.records.map((record, index) => (
                <tr key={`${record.at}-${index}`} data-testid={TEST_IDS.auditRow} data-outcome={record.outcome}>
                  <td style={{ whiteSpace: 'nowrap' }}>{formatUtc(record.at)}</td>
                  <td>
                    {record.who}
                    <Typography variant="caption" component="p">
                      {record.role}
                    </Typography>
                  </td>
                  <td>{record.action}</td>
                  <td style={{ overflowWrap: 'anywhere' }}>
                    {record.intent ? describeIntent(record.intent) : <em>input refused</em>}
                    {record.reason && (
                      <Typography variant="body2" component="p" color="text.secondary">
                        {record.reason}
                      </Typography>
                    )}
                  </td>
                  <td>{record.baseSha ? <code>{shortSha(record.baseSha)}</code> : '—'}</td>
                  <td style={{ overflowWrap: 'anywhere' }}>
                    <Chip size="small" label={record.outcome} color={OUTCOME_COLOR[record.outcome]} />
                    {record.pullRequestUrl && (
                      <Typography variant="body2" component="p">
                        <a href={record.pullRequestUrl} target="_blank" rel="noreferrer">
                          pull request
                        </a>
                      </Typography>
                    )}
                    {record.detail && (
                      <Typography variant="caption" component="p">
                        {record.detail}
                      </Typography>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </Box>
        </Box>
      )}
      <Box sx={{ display: 'flex', gap: 1 }}>
        {cursor !== undefined && (
          <LinkButton href="/audit" variant="outlined">
            Newest
          </LinkButton>
        )}
        {page.nextCursor !== undefined && (
          <LinkButton href={`/audit?before=${page.nextCursor}`} variant="outlined">
            Older
          </LinkButton>
        )}
      </Box>
    </Box>
  );
}
