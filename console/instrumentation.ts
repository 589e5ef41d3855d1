/** Runs once when the console's server starts (Next.js instrumentation hook); see server/startup.ts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startConsole } = await import('./server/startup');
  startConsole();
}
