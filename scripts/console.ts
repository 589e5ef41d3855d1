import path from 'node:path';
import { startConsoleStack } from '../console/testing/console-stack';
import { describeGitea } from '../console/testing/gitea';
import { commandLine } from './lib/command-line';

// `npm run console`: the operator console on this machine, with everything it talks to started beside it:
// a Prometheus per region loaded with metrics generated from the model (one region shows a replication-lag
// spike), a Gitea holding this repository, and the console's production build in local demo mode. Ctrl-C
// stops all of it. Pointing the console at real Prometheus, OIDC and GitHub is console/README.md's subject.
const USAGE = 'usage: npm run console -- [--port <port>] [--gitea-port <port>] [--state <dir>]';
const { values } = commandLine(
  {
    options: {
      port: { type: 'string', default: '3000' },
      'gitea-port': { type: 'string' },
      state: { type: 'string' },
    },
  },
  usage,
);
const port = portOf('--port', values.port);
const giteaPort = values['gitea-port'] === undefined ? undefined : portOf('--gitea-port', values['gitea-port']);
const root = path.resolve(process.env.MR_REPO_ROOT ?? '.');
const stateDir = path.resolve(root, values.state ?? '.console');
const started = performance.now();
const say = (line: string) => console.log(`console: ${line}`);

let stack: Awaited<ReturnType<typeof startConsoleStack>> | undefined;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping the console, Gitea and every Prometheus`);
  await stack?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  stack = await startConsoleStack({ root, stateDir, port, ...(giteaPort ? { giteaPort } : {}), log: say });
} catch (error) {
  console.error(`console: could not start: ${(error as Error).message}`);
  process.exit(1);
}
say(`ready in ${Math.round((performance.now() - started) / 1000)} s`);
console.log(
  [
    '',
    `  Console   ${stack.url}   (LOCAL DEMO MODE: pick a demo user on the sign-in page)`,
    '            alice, bob: operators (preview and submit changes) · carol: approver (CAB) · vera: viewer',
    ...describeGitea(stack.gitea).map((line) => `  ${line}`),
    ...Object.entries(stack.fleet.urls).map(([region, url]) => `  Prometheus ${region.padEnd(12)} ${url}`),
    ...(stack.fleet.lagSpike ? [`  The metrics show a replication-lag spike of ${stack.fleet.lagSpike.dataSet} seen from ${stack.fleet.lagSpike.region}.`] : []),
    `  Audit log and scratch worktrees: ${stateDir}`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

function portOf(option: string, value: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port < 1 || port > 65_535) usage(`${option}: expected a TCP port 1-65535, got ${JSON.stringify(value)}`);
  return port;
}

function usage(problem: string): never {
  console.error(`npm run console: ${problem}\n${USAGE}`);
  process.exit(2);
}
