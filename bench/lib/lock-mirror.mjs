// A generated index for locking jupyter for 3 platforms x 5 Python versions: the local index has
// compiled wheels for CPython 3.11 on Linux x86_64 only, where PyPI has one per Python version and
// platform. For every project jupyter can reach (any marker, no extras), this mirror links the
// local index's pure wheels as they are, and for each compiled wheel writes tiny wheels with the
// same METADATA for cp311-cp315 (or the same abi3 tag) on manylinux_2_17_x86_64, macosx_11_0_arm64
// and win_amd64. Projects only other platforms need and the local index lacks (pywinpty, appnope,
// pywin32...) get a stand-in wheel without dependencies, at the highest N.0 their specifiers allow.
// Made once under bench/.work/lock-mirror (kept while its marker file says the same recipe).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { must } from './exec.mjs';
import { rmrf } from './setup.mjs';

export const MIRROR_PYTHONS = ['3.11', '3.12', '3.13', '3.14', '3.15'];
export const MIRROR_PLATFORMS = ['linux-x86_64', 'macos-arm64', 'windows-amd64'];
const RECIPE = 'lock-mirror v2';

const SCRIPT = String.raw`
import hashlib, html, os, re, sys, zipfile
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.specifiers import SpecifierSet
from pip._vendor.packaging.utils import canonicalize_name

index_dir, out, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
PLATFORMS = ['manylinux_2_17_x86_64', 'macosx_11_0_arm64', 'win_amd64']
PYTHONS = ['311', '312', '313', '314', '315']
files_dir = os.path.join(out, 'files')
os.makedirs(files_dir, exist_ok=True)

def links(project):
    page = os.path.join(index_dir, project, 'index.html')
    if not os.path.exists(page):
        return None
    text = open(page, encoding='utf8').read()
    base = 'file://' + os.path.join(index_dir, project) + '/'
    out = []
    for href, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', text):
        url, _, frag = html.unescape(href).partition('#')
        if not url.startswith('file:'):
            url = os.path.normpath(os.path.join(index_dir, project, url))
        else:
            url = url[len('file://'):]
        out.append((name.strip(), url, frag))
    return out

def metadata(path):
    with zipfile.ZipFile(path) as z:
        m = [n for n in z.namelist() if n.endswith('.dist-info/METADATA') and n.count('/') == 1][0]
        return z.read(m).decode('utf8')

def requires(md, extras):
    for line in md.splitlines():
        if line.startswith('Requires-Dist:'):
            r = Requirement(line.split(':', 1)[1].strip())
            named = re.findall(r'extra\s*==\s*["\']([^"\']+)["\']', str(r.marker or ''))
            if not named or any(canonicalize_name(e) in extras for e in named):
                yield r

def tiny_wheel(dist, version, tag, md):
    name = f'{dist}-{version}-{tag}.whl'
    path = os.path.join(files_dir, name)
    info = f'{dist}-{version}.dist-info'
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(f'{info}/METADATA', md)
        z.writestr(f'{info}/WHEEL', f'Wheel-Version: 1.0\nGenerator: venvkit-bench\nRoot-Is-Purelib: false\nTag: {tag}\n')
        z.writestr(f'{info}/RECORD', f'{info}/METADATA,,\n{info}/WHEEL,,\n{info}/RECORD,,\n')
    return name, path

def sha(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()

pages = {}
specs = {}
todo = [canonicalize_name(r) for r in roots]
wanted = {}   # project -> extras asked for
done = {}     # project -> extras it was processed with
while todo:
    project = todo.pop()
    extras = wanted.setdefault(project, set())
    if project in done and done[project] == extras:
        continue
    done[project] = set(extras)
    found = links(project)
    if found is None:
        continue
    entries = []
    for name, path, frag in found:
        if not name.endswith('.whl'):
            continue
        md = metadata(path)
        for r in requires(md, extras):
            n = canonicalize_name(r.name)
            specs.setdefault(n, []).append(r.specifier)
            wanted.setdefault(n, set()).update(canonicalize_name(e) for e in r.extras)
            todo.append(n)
        dist, version, *_, py, abi, plat = name[:-4].split('-')
        if plat == 'any':
            entries.append((name, 'file://' + path, sha(path)))
            continue
        tags = set()
        for p in PLATFORMS:
            if abi == 'abi3' or abi == 'none':
                tags.add(f'{py.split(".")[0]}-{abi}-{p}')
            else:
                for v in PYTHONS:
                    tags.add(f'cp{v}-cp{v}-{p}')
        for tag in sorted(tags):
            n2, p2 = tiny_wheel(dist, version, tag, md)
            entries.append((n2, 'file://' + p2, sha(p2)))
    pages[project] = entries

for project in sorted(specs):
    if project in pages:
        continue
    ok = [f'{v}.0' for v in range(999, -1, -1) if all(s.contains(f'{v}.0') for s in specs[project])]
    version = ok[0] if ok else '1.0'
    dist = re.sub(r'[-_.]+', '_', project)
    md = f'Metadata-Version: 2.1\nName: {project}\nVersion: {version}\nSummary: bench stand-in\n'
    n2, p2 = tiny_wheel(dist, version, 'py3-none-any', md)
    pages[project] = [(n2, 'file://' + p2, sha(p2))]
    print('stand-in', project, version)

for project, entries in pages.items():
    d = os.path.join(out, 'simple', project)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'index.html'), 'w') as f:
        f.write('<!DOCTYPE html><html><body>\n')
        for name, url, digest in sorted(entries):
            f.write(f'<a href="{html.escape(url)}#sha256={digest}">{html.escape(name)}</a>\n')
        f.write('</body></html>\n')
print(len(pages), 'projects')
`;

/** The mirror's index URL (file://), made when missing. `indexUrl` is the local file:// index; `python` has pip. */
export function lockMirror(ctx, indexUrl, python) {
  const dir = join(ctx.work, 'lock-mirror');
  const marker = join(dir, 'recipe');
  const simple = `file://${join(dir, 'simple')}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === `${RECIPE} ${indexUrl}`) return simple;
  if (!indexUrl?.startsWith('file:')) throw new Error('the lock mirror needs a local file:// index');
  rmrf(dir);
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'make-mirror.py');
  writeFileSync(script, SCRIPT);
  must(python, [script, fileURLToPath(indexUrl), dir, 'jupyter'], { env: ctx.baseEnv, timeoutMs: 1_200_000 });
  writeFileSync(marker, `${RECIPE} ${indexUrl}`);
  return simple;
}
