'use client';
import Button from '@mui/material/Button';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/changes/new', label: 'New change' },
  { href: '/changes', label: 'Change requests' },
  { href: '/audit', label: 'Audit log' },
] as const;

function isCurrent(pathname: string, href: string) {
  if (href === '/') return pathname === '/' || pathname.startsWith('/regions/');
  if (href === '/changes') return pathname === '/changes' || /^\/changes\/\d+/.test(pathname);
  return pathname === href;
}

export function NavLinks() {
  const pathname = usePathname();
  return (
    <>
      {LINKS.map(({ href, label }) => {
        const current = isCurrent(pathname, href);
        return (
          <Button
            key={href}
            component={Link}
            href={href}
            color="inherit"
            size="small"
            aria-current={current ? 'page' : undefined}
            sx={{ textDecoration: current ? 'underline' : 'none', textUnderlineOffset: 4, textDecorationThickness: 2 }}
          >
            {label}
          </Button>
        );
      })}
    </>
  );
}
