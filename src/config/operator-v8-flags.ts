/**
 * The names of the flags the operator started the process with, on the command line or in
 * NODE_OPTIONS: `--no-turbofan`, `--turbofan` and `--turbo_fan=1` all give `turbofan`.
 * Read before anything else loads (see startup-memory.ts), so this file imports nothing.
 */
export function operatorFlagNames(execArgv: readonly string[] = process.execArgv, env: Record<string, string | undefined> = process.env): Set<string> {
  const fromEnvironment = (env.NODE_OPTIONS ?? '').split(/\s+/);
  const names = new Set<string>();
  for (const flag of [...execArgv, ...fromEnvironment]) {
    if (!flag.startsWith('--')) continue;
    const name = flag.slice(2).split('=')[0].replace(/_/g, '-');
    names.add(name.startsWith('no-') ? name.slice(3) : name);
  }
  return names;
}
