'use client';
import Button, { type ButtonProps } from '@mui/material/Button';
import Link from 'next/link';

/**
 * A MUI button that navigates with Next.js's client router. Server components cannot hand `Link` to
 * `Button` themselves (a component is a function, which does not cross to the client), so they use this.
 */
export function LinkButton(props: Omit<ButtonProps<typeof Link>, 'component'> & { href: string }) {
  return <Button component={Link} {...props} />;
}
