/**
 * The library entry point: resolve requirements for a virtual environment (or an interpreter)
 * against the configured indexes. Markers, Requires-Python and wheel tags are those of the target
 * interpreter. Constraint files from pip's configuration (settings.constraints) are applied.
 */
import type { SdistBuilder } from '../build/context.js';
import { FormatControl } from '../index/format-control.js';
import type { IndexClient } from '../index/index-client.js';
import { readRequirementFiles } from '../index/requirements-file.js';
import { prereleaseRule } from '../index/release-control.js';
import { markerEnvironment } from '../pep/markers.js';
import type { Requirement } from '../pep/pep508.js';
import { compatibleTags } from '../pep/tags.js';
import { probeInterpreter } from '../python/probe.js';
import type { InterpreterInfo } from '../python/types.js';
import type { Venv } from '../venv/types.js';
import { IndexProvider, type IndexCandidate } from './index-provider.js';
import { resolve } from './solver.js';
import type { Resolution, ResolveOptions } from './types.js';

export interface ResolveRequirementsOptions extends Omit<ResolveOptions, 'env' | 'constraints' | 'pythonVersion'> {
  /** The index client (its settings say where to look, --pre, constraint files). */
  index: IndexClient;
  /** The target environment... */
  venv?: Venv;
  /** ...or directly the target interpreter's facts. */
  interpreter?: InterpreterInfo;
  /** Constraints in addition to the constraint files of the index settings. */
  constraints?: readonly (string | Requirement)[];
  /** Builds sdist candidates' metadata (without it, only wheels are candidates). */
  sdists?: SdistBuilder;
  /** Hash-checking mode: allowed `algo:hex` hashes per normalised name (files with one are preferred, as in pip). */
  allowedHashes?: ReadonlyMap<string, readonly string[]>;
  /** The wheel tags to accept, best first (default: the interpreter's own; see install/target-python.ts). */
  tags?: readonly string[];
}

/** A short name for an interpreter in messages: "CPython 3.12 on linux x86_64". */
export function targetName(info: InterpreterInfo): string {
  const impl = info.implementation === 'cpython' ? 'CPython' : info.implementation === 'pypy' ? 'PyPy' : info.implementation;
  return `${impl} ${info.version[0]}.${info.version[1]} on ${info.platform} ${info.machine}`;
}

/** Resolves `requirements` for the target of `options` (a venv or an interpreter). */
export async function resolveRequirements(
  requirements: readonly (string | Requirement)[],
  options: ResolveRequirementsOptions,
): Promise<Resolution<IndexCandidate>> {
  const info = options.interpreter ?? options.venv?.base ?? (options.venv ? await probeInterpreter(options.venv.paths.python) : undefined);
  if (!info) throw new TypeError('resolveRequirements: give `venv` or `interpreter`');
  const settings = options.index.settings;
  const constraints: (string | Requirement)[] = [...(options.constraints ?? [])];
  if (settings.constraints.length > 0) {
    const files = await readRequirementFiles(settings.constraints.map((path) => ({ path, constraint: true })));
    for (const line of files.constraints) if (!line.location) constraints.push(line.text);
  }
  const env = markerEnvironment(info);
  const provider = new IndexProvider(options.index, {
    tags: options.tags ?? compatibleTags(info), pythonVersion: env.python_full_version, targetName: targetName(info),
    ...(settings.formatControl?.length ? { formatControl: FormatControl.from(settings.formatControl) } : {}),
    preferBinary: !!settings.preferBinary,
    ...(options.ignoreRequiresPython ? { ignoreRequiresPython: true } : {}),
    ...(options.sdists ? { sdists: options.sdists } : {}),
    ...(options.allowedHashes ? { allowedHashes: options.allowedHashes } : {}),
  });
  const { index: _index, venv: _venv, interpreter: _interpreter, sdists: _sdists, allowedHashes: _allowed, tags: _tags, ...rest } = options;
  return resolve(requirements, provider, {
    ...rest,
    env,
    constraints,
    prereleases: options.prereleases ?? prereleaseRule(settings),
  });
}

