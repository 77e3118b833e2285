// Spawns the built CLI as a real process, as users run it.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
/** The command users run (package.json `bin`): a Node file that loads dist/cli.cjs. */
export const BIN = fileURLToPath(new URL('../../bin/venvkit.cjs', import.meta.url));

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function venvkit(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 120_000, ...options });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** The CLI without blocking this process (when this process serves something it asks for, e.g. an index). */
export function venvkitAsync(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
