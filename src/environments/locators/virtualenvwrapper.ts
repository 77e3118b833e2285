// virtualenvwrapper: every env is a directory of $WORKON_HOME (default ~/.virtualenvs).
import { workonHome } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locateVirtualenvwrapper(c: LocatorContext): Located {
  const dir = workonHome(c);
  return { dirs: subdirs(dir), watch: [dir] };
}
