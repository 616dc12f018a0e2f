/**
 * Runs `start` with `env` set in process.env and `unset` removed, then restores the environment.
 * Configuration sections read process.env while Nest modules initialise, so a harness that boots
 * a module with settings of its own (the testing kit) sets them for that moment only.
 */
export async function withEnvironment<T>(env: Record<string, string>, unset: readonly string[], start: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const key of unset) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return await start();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
