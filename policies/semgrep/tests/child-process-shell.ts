import { exec, execFile, execFileSync, execSync, spawn } from 'node:child_process';
import * as childProcess from 'node:child_process';

declare const branch: string;

// ruleid: child-process-shell
exec(`git log ${branch}`);

// ruleid: child-process-shell
execSync('git rev-parse HEAD');

// ruleid: child-process-shell
childProcess.exec(`git push origin ${branch}`);

// ruleid: child-process-shell
spawn('git', ['log', branch], { cwd: '.', shell: true });

// ruleid: child-process-shell
execFileSync('git', ['log'], { shell: true });

// ok: child-process-shell
execFile('git', ['log', branch]);

// ok: child-process-shell
spawn('git', ['log', branch], { cwd: '.' });

// A regular expression's exec is not a process.
// ok: child-process-shell
/^refs\/heads\/(.+)$/.exec(branch);
