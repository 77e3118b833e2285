// bin/activate_this.py: activate the environment inside a running Python (as virtualenv offers).
// Written for Python 2.7 and 3.x; the path is found from __file__, so no path is embedded.
import type { ActivationData } from './data.js';
import { quotePython } from './quote.js';

export function renderActivateThis(d: ActivationData): string {
  const sites = d.sitePackages.map(quotePython).join(', ');
  return `"""Activate this virtual environment inside a running Python (written by venvkit).

Use it with:

    this_file = "/path/to/env/bin/activate_this.py"
    exec(open(this_file).read(), {"__file__": this_file})

It puts the environment's scripts directory first on PATH, sets VIRTUAL_ENV and
VIRTUAL_ENV_PROMPT, and adds its site-packages to sys.path ahead of the others.
"""
import os
import site
import sys

try:
    __file__
except NameError:
    raise AssertionError('activate_this.py must be run with exec(open(path).read(), {"__file__": path})')

bin_dir = os.path.dirname(os.path.abspath(__file__))
base = os.path.dirname(bin_dir)
prompt = ${quotePython(d.prompt)}
if sys.version_info[0] == 2:
    prompt = prompt.encode(sys.getfilesystemencoding() or 'utf-8')

os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in os.environ.get("PATH", "").split(os.pathsep) if p])
os.environ["VIRTUAL_ENV"] = base
os.environ["VIRTUAL_ENV_PROMPT"] = prompt

prev_length = len(sys.path)
for lib in [${sites}]:
    site.addsitedir(os.path.realpath(os.path.join(base, lib)))
sys.path[:] = sys.path[prev_length:] + sys.path[0:prev_length]

sys.real_prefix = sys.prefix
sys.prefix = base
`;
}
