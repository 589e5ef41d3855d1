import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import Link from 'next/link';
import { LinkButton } from './link-button';
import type { Me } from '../lib/types';
import { NavLinks } from './nav-links';
import { TEST_IDS } from './test-ids';

/** The header of every page: who is signed in and with which role, and, in the demo, that it is one. */
export function AppHeader({ me }: { me: Pick<Me, 'demo' | 'user' | 'signInUrl' | 'signOutUrl'> }) {
  const { demo, user } = me;
  return (
    <Box component="header" data-testid={TEST_IDS.header} sx={{ bgcolor: 'primary.main', color: 'primary.contrastText' }}>
      {demo && (
        <Box
          data-testid={TEST_IDS.demoBanner}
          sx={{ bgcolor: 'warning.main', color: 'warning.contrastText', px: 2, py: 0.5, textAlign: 'center', fontWeight: 700, fontSize: '0.875rem' }}
        >
          LOCAL DEMO MODE: anyone who reaches this console can sign in as any demo user. Not for production.
        </Box>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, px: 2, py: 1, maxWidth: 1440, mx: 'auto' }}>
        <Typography component="p" sx={{ fontWeight: 700, mr: 2 }}>
          <Link href="/" style={{ color: 'inherit', textDecoration: 'none' }}>
            Region console
          </Link>
        </Typography>
        {user && (
          <Box component="nav" aria-label="Main" sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mr: 'auto' }}>
            <NavLinks />
          </Box>
        )}
        {user ? (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, ml: 'auto' }}>
            <Typography variant="body2" data-testid={TEST_IDS.signedInUser} title={user.name}>
              {user.login} · {user.role}
            </Typography>
            <form method="post" action={me.signOutUrl}>
              <Button type="submit" size="small" color="inherit" variant="outlined" data-testid={TEST_IDS.signOut}>
                Sign out
              </Button>
            </form>
          </Box>
        ) : (
          <LinkButton href={me.signInUrl} color="inherit" variant="outlined" size="small" sx={{ ml: 'auto' }}>
            Sign in
          </LinkButton>
        )}
      </Box>
    </Box>
  );
}
