// --upgrade-deps: the newest pip (and setuptools where this Python's venv upgrades it) from the
// indexes pip is configured with, instead of the bundled wheels. A small consumer of src/index.
import { VenvkitError } from '../errors.js';
import { IndexClient } from '../index/index-client.js';
import { checkBooleans, loadPipConfig } from '../index/pip-config.js';
import type { Candidate } from '../index/types.js';
import { compareVersions, tryParseVersion } from '../pep/pep440.js';
import { parseSpecifiers } from '../pep/pep440-specifiers.js';
import { parseWheelFilename } from '../pep/wheel-name.js';
import type { InterpreterInfo } from '../python/types.js';
import { closeWheelStore, openWheelStore, unpackedWheelHere } from '../cache/wheels.js';

type Seed = { name: string; version: string; wheel: string | null };

function pythonOk(spec: string | undefined, info: InterpreterInfo): boolean {
  if (!spec) return true;
  try {
    return parseSpecifiers(spec).contains(info.version.join('.'), { prereleases: true });
  } catch {
    return true; // pip ignores an invalid Requires-Python
  }
}

/** A pure-Python wheel for Python 3 (what pip and setuptools ship). */
function universal(c: Candidate): boolean {
  try {
    return parseWheelFilename(c.filename).tags.some((t) => /^py3?\d*-none-any$/.test(t));
  } catch {
    return false;
  }
}

/**
 * For each bundled seed, the newest final release on the configured indexes that supports this
 * Python, when it is newer than the bundled one (else the bundled wheel stays).
 */
export async function newestSeedWheels(info: InterpreterInfo, bundled: Seed[], env: NodeJS.ProcessEnv): Promise<Seed[]> {
  const config = loadPipConfig({ env });
  checkBooleans(config);
  const warnings: string[] = [];
  const client = new IndexClient({ settings: config.settings, env, onWarning: (m) => warnings.push(m) });
  const out: Seed[] = [];
  for (const seed of bundled) {
    let project;
    try {
      project = await client.project(seed.name);
    } catch (e) {
      throw new VenvkitError('INDEX_ERROR', `the \`upgradeDeps\` option: cannot look up ${seed.name} on the configured indexes: ${(e as Error).message}`, { hint: 'Check `pip config list`, or create the env without the `upgradeDeps` option.', cause: e });
    }
    const current = tryParseVersion(seed.version);
    const candidates = project.candidates
      .filter((c) => universal(c) && !c.yanked)
      .map((c) => ({ c, v: tryParseVersion(c.version) }))
      .filter((x) => x.v && !x.v.isPrerelease && pythonOk(x.c.requiresPython, info))
      .sort((a, b) => compareVersions(b.v!, a.v!));
    let chosen: Seed = seed;
    for (const { c, v } of candidates) {
      if (current && compareVersions(v!, current) <= 0) break;
      const got = await client.download(c);
      // Indexes without data-requires-python: the wheel's own METADATA decides.
      const store = openWheelStore(env);
      let manifest;
      try {
        ({ manifest } = unpackedWheelHere(got.path, { store, sha256: got.hashes.sha256 }));
      } finally {
        closeWheelStore(store);
      }
      if (!pythonOk(manifest.requiresPython, info)) continue;
      chosen = { name: seed.name, version: manifest.version, wheel: got.path };
      break;
    }
    out.push(chosen);
  }
  return out;
}
