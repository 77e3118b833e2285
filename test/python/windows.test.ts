// Windows interpreter discovery, through its rules with a faked file system, environment, registry
// and py launcher (nothing here runs Windows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { win32 } from 'node:path';
import type { Candidate } from '../../src/python/candidates.js';
import { type WindowsHost, windowsCandidates } from '../../src/python/windows-candidates.js';
import { parsePyListPaths } from '../../src/python/py-launcher.js';
import { parseRegQuery, registeredPythons } from '../../src/python/windows-registry.js';

/** A fake Windows: files (paths, case-insensitive), aliases (reparse points that do not resolve), links. */
function fakeHost(o: { env: NodeJS.ProcessEnv; files: string[]; aliases?: string[]; links?: Record<string, string>; reg?: Record<string, string>; py?: string }): WindowsHost {
  const all = [...o.files, ...(o.aliases ?? [])];
  const norm = (s: string) => s.toLowerCase().replace(/\\+$/, '');
  const calls: string[] = [];
  return Object.assign({
    env: o.env,
    list: (dir: string) => {
      const d = norm(dir) + '\\';
      const names = new Set<string>();
      for (const f of all) if (f.toLowerCase().startsWith(d)) names.add(f.slice(d.length).split('\\')[0]!);
      return [...names];
    },
    isFile: (path: string) => all.some((f) => norm(f) === norm(path)),
    realpath: (path: string) => {
      if ((o.aliases ?? []).some((a) => norm(a) === norm(path))) return undefined;
      return o.links?.[path] ?? (o.files.find((f) => norm(f) === norm(path)));
    },
    regQuery: async (key: string) => {
      calls.push(key);
      return o.reg?.[key];
    },
    pyListPaths: async () => o.py,
  }, { calls });
}

/** Every candidate, in order (Array.fromAsync is Node 22+). */
async function all(gen: AsyncIterable<Candidate>): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for await (const c of gen) out.push(c);
  return out;
}

const USER = 'C:\\Users\\ann';
const LOCAL = `${USER}\\AppData\\Local`;
const baseEnv = { USERPROFILE: USER, LOCALAPPDATA: LOCAL, APPDATA: `${USER}\\AppData\\Roaming`, ProgramFiles: 'C:\\Program Files', SystemDrive: 'C:' };

const REG_HKCU = `
HKEY_CURRENT_USER\\Software\\Python\\PythonCore

HKEY_CURRENT_USER\\Software\\Python\\PythonCore\\3.12
    DisplayName    REG_SZ    Python 3.12 (64-bit)
    SupportUrl    REG_SZ    https://www.python.org/
    Version    REG_SZ    3.12.1
    SysVersion    REG_SZ    3.12
    SysArchitecture    REG_SZ    64bit

HKEY_CURRENT_USER\\Software\\Python\\PythonCore\\3.12\\InstallPath
    (Default)    REG_SZ    D:\\Tools\\Py312\\
    ExecutablePath    REG_SZ    D:\\Tools\\Py312\\python.exe
    WindowedExecutablePath    REG_SZ    D:\\Tools\\Py312\\pythonw.exe

HKEY_CURRENT_USER\\Software\\Python\\ContosoPython\\Tiny-3.10\\InstallPath
    (Standard)    REG_SZ    D:\\Contoso\\Tiny

HKEY_CURRENT_USER\\Software\\Python\\PyLauncher
    InstallPath    REG_SZ    C:\\Windows\\py.exe
`;

test('reg query output: keys, values, the localised default value name', () => {
  const listing = parseRegQuery(REG_HKCU.replace(/\n/g, '\r\n'));
  assert.equal(listing.get('HKEY_CURRENT_USER\\Software\\Python\\PythonCore\\3.12')?.get('SysVersion'), '3.12');
  assert.equal(listing.get('HKEY_CURRENT_USER\\Software\\Python\\ContosoPython\\Tiny-3.10\\InstallPath')?.get(''), 'D:\\Contoso\\Tiny');
  const regs = registeredPythons(listing);
  assert.deepEqual(regs.map((r) => [r.company, r.tag, r.executable, r.version]), [
    ['PythonCore', '3.12', 'D:\\Tools\\Py312\\python.exe', '3.12'],
    // No ExecutablePath: InstallPath\python.exe (PEP 514); no version for another company's tag.
    ['ContosoPython', 'Tiny-3.10', 'D:\\Contoso\\Tiny\\python.exe', undefined],
  ]);
});

test('py --list-paths: the new and the old launcher formats, the default marked', () => {
  const entries = parsePyListPaths([
    'Installed Pythons found by py Launcher for Windows',
    ' -V:3.13 *        C:\\Python313\\python.exe',
    ' -V:ContinuumAnalytics/Anaconda39-64 C:\\Anaconda3\\python.exe',
    ' -3.9-64        C:\\Python39\\python.exe *',
    ' -2.7-32        C:\\Python27\\python.exe',
    '',
  ].join('\r\n'));
  assert.deepEqual(entries, [
    { tag: '3.13', path: 'C:\\Python313\\python.exe', isDefault: true },
    { tag: 'ContinuumAnalytics/Anaconda39-64', path: 'C:\\Anaconda3\\python.exe', isDefault: false },
    { tag: '3.9-64', path: 'C:\\Python39\\python.exe', isDefault: true },
    { tag: '2.7-32', path: 'C:\\Python27\\python.exe', isDefault: false },
  ]);
});

test('discovery order: PATH, py launcher, registry, python.org, Store, pyenv-win, uv; duplicates once', async () => {
  const apps = `${LOCAL}\\Microsoft\\WindowsApps`;
  const host = fakeHost({
    env: { ...baseEnv, Path: `C:\\bin;${apps};${USER}\\.pyenv\\pyenv-win\\shims`, PATHEXT: '.COM;.EXE;.BAT;.CMD' },
    files: [
      'C:\\bin\\python.exe', 'C:\\bin\\python3.11.exe', 'C:\\bin\\python.bat', 'C:\\bin\\pythonw.exe', 'C:\\bin\\readme.txt',
      `${USER}\\.pyenv\\pyenv-win\\shims\\python.bat`,
      'C:\\Python39\\python.exe',
      'D:\\Tools\\Py312\\python.exe', 'D:\\Contoso\\Tiny\\python.exe',
      `${LOCAL}\\Programs\\Python\\Python313\\python.exe`, `${LOCAL}\\Programs\\Python\\Python310-32\\python.exe`, `${LOCAL}\\Programs\\Python\\Launcher\\py.exe`,
      'C:\\Program Files\\Python311\\python.exe',
      `${USER}\\.pyenv\\pyenv-win\\versions\\3.9.13\\python.exe`, `${USER}\\.pyenv\\pyenv-win\\versions\\3.12.4\\python.exe`,
      `${USER}\\AppData\\Roaming\\uv\\python\\cpython-3.13.1-windows-x86_64-none\\python.exe`, `${USER}\\AppData\\Roaming\\uv\\python\\.lock`,
    ],
    // The Store: python.exe / python3.exe may be the stub that opens the Store; python3.12.exe is a real alias.
    aliases: [`${apps}\\python.exe`, `${apps}\\python3.exe`, `${apps}\\python3.12.exe`],
    reg: { 'HKCU\\Software\\Python': REG_HKCU },
    // The launcher lists C:\bin\python.exe again (found on PATH first) and C:\Python39.
    py: ' -V:3.12 *        C:\\bin\\python.exe\r\n -V:3.9          C:\\Python39\\python.exe\r\n',
  });
  const got = (await all(windowsCandidates(host))).map((c) => [c.source, c.path, c.hint.version.join('.')]);
  assert.deepEqual(got, [
    ['path', 'C:\\bin\\python.exe', ''],
    ['path', 'C:\\bin\\python3.11.exe', '3.11'],
    ['store', `${apps}\\python3.12.exe`, '3.12'],
    ['py-launcher', 'C:\\Python39\\python.exe', '3.9'],
    ['registry', 'D:\\Tools\\Py312\\python.exe', '3.12'],
    ['registry', 'D:\\Contoso\\Tiny\\python.exe', ''],
    ['system', `${LOCAL}\\Programs\\Python\\Python313\\python.exe`, '3.13'],
    ['system', `${LOCAL}\\Programs\\Python\\Python310-32\\python.exe`, '3.10'],
    ['system', 'C:\\Program Files\\Python311\\python.exe', '3.11'],
    ['pyenv', `${USER}\\.pyenv\\pyenv-win\\versions\\3.12.4\\python.exe`, '3.12.4'],
    ['pyenv', `${USER}\\.pyenv\\pyenv-win\\versions\\3.9.13\\python.exe`, '3.9.13'],
    ['user', `${USER}\\AppData\\Roaming\\uv\\python\\cpython-3.13.1-windows-x86_64-none\\python.exe`, '3.13.1'],
  ]);
  // An alias does not resolve: it is its own real path.
  const store = (await all(windowsCandidates(host))).find((c) => c.source === 'store')!;
  assert.equal(store.realPath, store.path);
  // All three PEP 514 roots are asked.
  assert.deepEqual((host as unknown as { calls: string[] }).calls.slice(0, 3), ['HKCU\\Software\\Python', 'HKLM\\Software\\Python', 'HKLM\\Software\\Wow6432Node\\Python']);
});

test('PATHEXT without .EXE: nothing on PATH counts; the Store is searched when WindowsApps is not on PATH', async () => {
  const apps = `${LOCAL}\\Microsoft\\WindowsApps`;
  const host = fakeHost({ env: { ...baseEnv, PATH: 'C:\\bin', PATHEXT: '.BAT;.CMD' }, files: ['C:\\bin\\python.exe'], aliases: [`${apps}\\python3.13.exe`, `${apps}\\python.exe`] });
  assert.deepEqual((await all(windowsCandidates(host))).map((c) => c.path), []);
  const host2 = fakeHost({ env: { ...baseEnv, PATH: 'C:\\bin' }, files: ['C:\\bin\\python.exe'], aliases: [`${apps}\\python3.13.exe`, `${apps}\\python.exe`] });
  assert.deepEqual((await all(windowsCandidates(host2))).map((c) => [c.source, c.path]), [['path', 'C:\\bin\\python.exe'], ['store', `${apps}\\python3.13.exe`]]);
});

test('a link found twice (PATH and registry) is one candidate; the filter is applied before any file check', async () => {
  const host = fakeHost({
    env: { ...baseEnv, PATH: 'C:\\shim' },
    files: ['C:\\shim\\python.exe', 'D:\\Tools\\Py312\\python.exe'],
    links: { 'C:\\shim\\python.exe': 'D:\\Tools\\Py312\\python.exe' },
    reg: { 'HKCU\\Software\\Python': REG_HKCU },
  });
  assert.deepEqual((await all(windowsCandidates(host))).map((c) => c.path), ['C:\\shim\\python.exe']);
  const only313 = (await all(windowsCandidates(host, (h) => h.version.length === 0 || (h.version[0] === 3 && h.version[1] === 13))));
  assert.deepEqual(only313.map((c) => c.path), ['C:\\shim\\python.exe']);
  assert.equal(win32.basename(only313[0]!.realPath), 'python.exe');
});
