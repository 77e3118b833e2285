// Plain-data views of environments and interpreters, for --json and for messages.
import type { InterpreterInfo } from '../python/types.js';
import type { Venv } from './types.js';

const NAMES: Record<string, string> = { cpython: 'CPython', pypy: 'PyPy' };

/** "CPython 3.12.1", "PyPy 3.9.16 (PyPy 7.3.11)". */
export function describeInterpreter(info: Pick<InterpreterInfo, 'implementation' | 'versionString' | 'implementationVersion'>): string {
  const name = NAMES[info.implementation] ?? info.implementation;
  return info.implementation === 'pypy' && info.implementationVersion ? `${name} ${info.versionString} (PyPy ${info.implementationVersion})` : `${name} ${info.versionString}`;
}

/** The interpreter as --json shows it (the full probe is internal). */
export function interpreterJson(info: InterpreterInfo): Record<string, unknown> {
  return {
    path: info.path,
    realPath: info.realPath,
    implementation: info.implementation,
    version: info.versionString,
    ...(info.implementationVersion ? { implementationVersion: info.implementationVersion } : {}),
    prefix: info.basePrefix,
  };
}

/** An env (plus, for a create result, what was done) as JSON-able data. */
export function venvJson(v: Venv & { action?: string; seed?: unknown; activators?: string[]; notes?: string[]; warnings?: string[] }): Record<string, unknown> {
  const out: Record<string, unknown> = { root: v.root, prompt: v.prompt, cfg: v.cfg, paths: v.paths, base: v.base ? interpreterJson(v.base) : null };
  if (v.action !== undefined) Object.assign(out, { action: v.action, seed: v.seed ?? null, activators: v.activators ?? [], notes: v.notes ?? [], warnings: v.warnings ?? [] });
  return out;
}
