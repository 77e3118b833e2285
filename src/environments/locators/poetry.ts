// poetry: <name>-<hash>-py3.X directories of its cache's virtualenvs dir ($POETRY_VIRTUALENVS_PATH,
// $POETRY_CACHE_DIR/virtualenvs, ~/.cache/pypoetry/virtualenvs, ~/Library/Caches/pypoetry/virtualenvs,
// %LOCALAPPDATA%\pypoetry\Cache\virtualenvs). In-project envs (.venv) are found by the workspace search.
import { poetryDir } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locatePoetry(c: LocatorContext): Located {
  const dir = poetryDir(c);
  return { dirs: subdirs(dir), watch: [dir] };
}
