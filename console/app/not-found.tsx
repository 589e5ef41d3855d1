import Typography from '@mui/material/Typography';
import Link from 'next/link';

export const metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <>
      <Typography variant="h1" gutterBottom>
        Not found
      </Typography>
      <Typography>
        Nothing here: no such region or change request. Back to the <Link href="/">overview</Link>.
      </Typography>
    </>
  );
}
