import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApprovalsText, ChecksChip, ClassChip, FindingsText } from '../../../components/changes/change-chips';
import { TEST_IDS } from '../../../components/test-ids';
import { formatUtcMinutes, shortSha } from '../../../lib/format';
import { describeIntent } from '../../../lib/intent';
import { failureMessage, signedIn } from '../../../lib/server';
import type { ChangeDetail } from '../../../lib/types';

export async function generateMetadata({ params }: PageProps<'/changes/[number]'>) {
  return { title: `Change #${(await params).number}` };
}

export default async function ChangePage({ params }: PageProps<'/changes/[number]'>) {
  const raw = (await params).number;
  const number = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(number) || number > 2 ** 31 - 1) notFound();
  const { caller } = await signedIn(`/changes/${number}`);
  let change: ChangeDetail | undefined;
  let problem: string | undefined;
  try {
    change = await caller.changes.get({ number });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'NOT_FOUND') notFound();
    problem = failureMessage(error);
  }
  if (!change) {
    return <Alert severity="error">The forge could not return pull request #{number}: {problem}</Alert>;
  }
  return (
    <Box data-testid={TEST_IDS.changeDetail} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box>
        <Typography variant="body2">
          <Link href="/changes">Change requests</Link> / #{change.number}
        </Typography>
        <Typography variant="h1" sx={{ overflowWrap: 'anywhere' }}>
          #{change.number} {change.title}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {change.state}, opened {formatUtcMinutes(change.createdAt)} by {change.author}
          {change.mergedAt ? `, merged ${formatUtcMinutes(change.mergedAt)}` : ''} · branch {change.branch} at {shortSha(change.headSha)} on{' '}
          {shortSha(change.baseSha)} ·{' '}
          <a href={change.url} target="_blank" rel="noreferrer">
            open on the forge
          </a>
        </Typography>
      </Box>
      {change.unverified && (
        <Alert severity="warning" data-testid={TEST_IDS.changeUnverified}>
          Not a change the console made: {change.unverified}. Its description is not trusted: requester, reason, class and policy results are not shown.
        </Alert>
      )}
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: { xs: '1fr', sm: 'max-content 1fr' }, columnGap: 2, rowGap: 1, '& dt': { fontWeight: 700 }, '& dd': { m: 0 } }}>
          <dt>Class</dt>
          <dd>
            <ClassChip value={change.class} />
          </dd>
          <dt>Change</dt>
          <dd>{change.change ? describeIntent(change.change.intent) : 'not recorded (the trailer is missing or was edited)'}</dd>
          <dt>Requester</dt>
          <dd>{change.requester ?? 'unknown'}</dd>
          <dt>Reason</dt>
          <dd style={{ overflowWrap: 'anywhere' }}>{change.reason ?? 'no reason recorded'}</dd>
          <dt>Policy results</dt>
          <dd>
            <FindingsText findings={change.findings} />
          </dd>
          <dt>Checks</dt>
          <dd>
            <ChecksChip checks={change.checks} />
            {change.checks.contexts.length > 0 && (
              <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2.5 }}>
                {change.checks.contexts.map((context) => (
                  <li key={context.context}>
                    {context.url ? (
                      <a href={context.url} target="_blank" rel="noreferrer">
                        {context.context}
                      </a>
                    ) : (
                      context.context
                    )}
                    : {context.state}
                  </li>
                ))}
              </Box>
            )}
          </dd>
          <dt>Approvals</dt>
          <dd>
            <ApprovalsText reviews={change.reviews} state={change.state} />
          </dd>
          <dt>Files</dt>
          <dd>
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {change.files.map((file) => (
                <li key={file}>
                  <code style={{ overflowWrap: 'anywhere' }}>{file}</code>
                </li>
              ))}
            </Box>
          </dd>
        </Box>
      </Paper>
      <Paper component="section" variant="outlined" aria-labelledby="body-heading" sx={{ p: 2 }}>
        <Typography id="body-heading" variant="h2" gutterBottom>
          Pull request description
        </Typography>
        <Box
          component="pre"
          tabIndex={0}
          data-testid={TEST_IDS.changeMarkdown}
          sx={{ m: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: '0.85rem', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
        >
          {change.body}
        </Box>
      </Paper>
    </Box>
  );
}
