import { afterAll } from 'vitest';
import { removeScratchRepos } from './helpers/example-repo';

afterAll(removeScratchRepos);
