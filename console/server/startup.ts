import { ConsoleConfigError } from './config';
import { services } from './services';

/**
 * The console server's first step: a misconfigured console stops here with every bad variable named, instead
 * of starting and failing each request; a well-configured one starts reading every region's Prometheus before
 * the first page asks for the overview. Node.js only (instrumentation.ts imports it for that runtime alone).
 */
export function startConsole(): void {
  try {
    services();
  } catch (error) {
    if (!(error instanceof ConsoleConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
