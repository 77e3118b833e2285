// When is an editable install still current? Its code is read from the project directory, so only
// the metadata can go stale: the dependencies, entry points, version and the files the backend
// reads them from. venvkit records at install a hash of the files that declare them
// (pyproject.toml, setup.cfg, setup.py — whichever exist, by name and content) and of the
// config settings, in the dist-info as `venvkit_source.json` (listed in RECORD). `install -e DIR`
// builds again only when that hash changed, or the env holds something else under that URL.
// A version or dependency computed from other files (a dynamic version read from __about__.py,
// a VCS tag) is not seen: use --force-reinstall then. Light: loaded by install's fast path.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STATE_FILE = 'venvkit_source.json';
export const METADATA_FILES = ['pyproject.toml', 'setup.cfg', 'setup.py'];

/** The hash of `dir`'s metadata files and the config settings (see the module comment). */
export function sourceState(dir: string, configSettings: object | undefined): string {
  const h = createHash('sha256');
  h.update(`v1\0${JSON.stringify(configSettings ?? {})}\0`);
  for (const name of METADATA_FILES) {
    let data: Buffer | undefined;
    try {
      data = readFileSync(join(dir, name));
    } catch {
      data = undefined;
    }
    h.update(`${name}\0${data ? data.length : -1}\0`);
    if (data) h.update(data);
  }
  return h.digest('hex');
}

/** The state recorded in an installed distribution's dist-info, if any. */
export function recordedState(distInfoDir: string): string | undefined {
  try {
    const s = JSON.parse(readFileSync(join(distInfoDir, STATE_FILE), 'utf8')) as { state?: unknown };
    return typeof s.state === 'string' ? s.state : undefined;
  } catch {
    return undefined;
  }
}
