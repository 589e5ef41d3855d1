import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { redirect } from 'next/navigation';
import { TEST_IDS } from '../../components/test-ids';
import { serverCaller } from '../../lib/server';
import { AUTH_ROUTES, DEMO_USERS, SIGN_IN_ERRORS, type SignInError } from '../../server/auth';
import { safeNextPath } from '../../server/auth/handlers';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: PageProps<'/sign-in'>) {
  const query = await searchParams;
  const next = safeNextPath(typeof query.next === 'string' ? query.next : undefined);
  const error = typeof query.error === 'string' && query.error in SIGN_IN_ERRORS ? SIGN_IN_ERRORS[query.error as SignInError] : undefined;
  const { session, caller } = await serverCaller();
  if (session && !error) redirect(next);
  const me = await caller.session.me();
  return (
    <Box sx={{ maxWidth: 560, mx: 'auto', display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant="h1">Sign in</Typography>
      {error && (
        <Alert severity={query.error === 'signed-out' ? 'info' : 'error'} data-testid={TEST_IDS.signInError}>
          {error}
        </Alert>
      )}
      {me.mode === 'local' ? (
        <Paper variant="outlined" sx={{ p: 2 }}>
          <Typography variant="h2" gutterBottom>
            Pick a demo user
          </Typography>
          <Typography variant="body2" sx={{ mb: 2 }}>
            This console runs in local demo mode: no password, anyone can be anyone. Viewers read; operators preview and submit change requests;
            approvers also see the approval views.
          </Typography>
          <form method="post" action={AUTH_ROUTES.local}>
            <input type="hidden" name="next" value={next} />
            <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
              {DEMO_USERS.map((user) => (
                <Button key={user.login} type="submit" name="user" value={user.login} variant="outlined" data-testid={TEST_IDS.signInAs(user.login)} sx={{ justifyContent: 'flex-start' }}>
                  {user.name} ({user.login}, {user.role})
                </Button>
              ))}
            </Box>
          </form>
        </Paper>
      ) : (
        <Paper variant="outlined" sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 2, alignItems: 'flex-start' }}>
          <Typography variant="body2">Sign in with your organisation&apos;s identity provider. Your role comes from your groups.</Typography>
          <Button variant="contained" href={`${AUTH_ROUTES.oidcLogin}?${new URLSearchParams({ next })}`} data-testid={TEST_IDS.oidcSignIn}>
            Sign in
          </Button>
        </Paper>
      )}
    </Box>
  );
}
