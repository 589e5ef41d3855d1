import { connection } from 'next/server';
import Typography from '@mui/material/Typography';
import { loadModel } from '../../schemas';

export default async function Overview() {
  await connection();
  const root = process.env.MR_REPO_ROOT;
  if (!root) throw new Error('MR_REPO_ROOT is not set: start the console with `npm run console`');
  const loaded = await loadModel(root);
  if (loaded.errors) return <pre>{loaded.errors.length} errors</pre>;
  return (
    <main>
      <Typography variant="h1">Regions</Typography>
      <ul>
        {loaded.model.regions.map((region) => (
          <li key={region.id}>{region.id}</li>
        ))}
      </ul>
    </main>
  );
}
