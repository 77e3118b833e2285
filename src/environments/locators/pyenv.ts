// pyenv: $PYENV_ROOT/versions/<version> installs, and pyenv-virtualenv's envs (versions/<name>,
// a link to versions/<version>/envs/<name>, which holds pyvenv.cfg).
import { join } from 'node:path';
import { pyenvRootOf } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locatePyenv(c: LocatorContext): Located {
  const versions = join(pyenvRootOf(c), 'versions');
  const installs = subdirs(versions);
  const envs = installs.flatMap((v) => subdirs(join(v, 'envs')));
  return { dirs: [...installs, ...envs], watch: [versions, ...installs.map((v) => join(v, 'envs'))] };
}
