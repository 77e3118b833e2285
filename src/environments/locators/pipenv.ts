// pipenv: <project>-<hash> directories of ~/.local/share/virtualenvs ($XDG_DATA_HOME), or of $WORKON_HOME when set.
import { pipenvDirs } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locatePipenv(c: LocatorContext): Located {
  const dirs = pipenvDirs(c);
  return { dirs: dirs.flatMap(subdirs), watch: dirs };
}
