import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * `parseArgs` for the entry points: what it refuses (an unknown option, an option without its value)
 * becomes the script's usage error, exit 2, rather than a stack trace.
 */
export function commandLine<T extends ParseArgsConfig>(config: T, usage: (problem: string) => never): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    return usage((error as Error).message);
  }
}
