// uv's managed Pythons: cpython-3.12.1-linux-x86_64-gnu directories of $UV_PYTHON_INSTALL_DIR
// (else ~/.local/share/uv/python, %APPDATA%\uv\python). uv's venvs are found where they are (pyvenv.cfg says `uv`).
import { uvPythonsDir } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locateUvPythons(c: LocatorContext): Located {
  const dir = uvPythonsDir(c);
  return { dirs: subdirs(dir), watch: [dir] };
}
