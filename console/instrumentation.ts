/**
 * Runs once when the console's server starts: a misconfigured console stops here with every bad variable
 * named, instead of starting and failing each request; a well-configured one starts reading every region's
 * Prometheus before the first page asks for the overview.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { ConsoleConfigError } = await import('./server/config');
  const { services } = await import('./server/services');
  try {
    services();
  } catch (error) {
    if (!(error instanceof ConsoleConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
