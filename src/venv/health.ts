// Is an environment still usable? Its base interpreter must exist and be the version the env was made
// for, and its interpreter links must resolve. Each problem comes with what to do about it.
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cfgVersion } from './pyvenv-cfg.js';
import type { Venv } from './types.js';

export type HealthCode = 'CFG_INCOMPLETE' | 'BASE_MISSING' | 'BASE_CHANGED' | 'LINK_BROKEN' | 'SITE_PACKAGES_MISSING';

export interface HealthProblem { code: HealthCode; message: string; hint: string }
export interface VenvHealth { healthy: boolean; problems: HealthProblem[] }

const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The names venv puts in bin/ that exist in this env and do not resolve (dangling links). */
export function brokenLinks(venv: Venv): string[] {
  const v = cfgVersion(venv.cfg);
  const names = venv.windows ? ['python.exe', 'pythonw.exe'] : ['python', 'python3', ...(v ? [`python${v[0]}.${v[1]}`] : []), 'pypy3', 'pypy'];
  const broken: string[] = [];
  for (const n of names) {
    const p = join(venv.paths.scripts, n);
    try {
      lstatSync(p);
    } catch {
      continue;
    }
    try {
      statSync(p);
    } catch {
      broken.push(n);
    }
  }
  return broken;
}

export function checkHealth(venv: Venv): VenvHealth {
  const problems: HealthProblem[] = [];
  const dir = q(venv.root);
  const want = cfgVersion(venv.cfg);
  // Each fix is given as a command and as the library call (for hosts that show these hints).
  const fix = (option: 'clear' | 'upgrade', python?: string) =>
    `\`venvkit create --${option} ${dir}${python ? ` -p ${q(python)}` : ''}\` (createVenv with { ${option}: true${python ? `, python: ${JSON.stringify(python)}` : ''} })`;
  const recreate = `Recreate it: ${fix('clear', want ? `${want[0]}.${want[1]}` : undefined)} (then reinstall its packages).`;
  if (!venv.cfg.home) problems.push({ code: 'CFG_INCOMPLETE', message: 'pyvenv.cfg has no `home` key: Python cannot find the base installation', hint: recreate });
  const base = venv.base;
  if (!base) {
    problems.push({
      code: 'BASE_MISSING',
      message: `The base interpreter is gone (pyvenv.cfg home = ${venv.cfg.home ?? '?'}${venv.cfg.executable ? `, executable = ${venv.cfg.executable}` : ''})`,
      hint: want ? `Point it at another Python ${want[0]}.${want[1]}: ${fix('upgrade', `${want[0]}.${want[1]}`)}, or ${recreate.charAt(0).toLowerCase()}${recreate.slice(1)}` : recreate,
    });
  } else if (want && base.version.join('.') !== want.join('.')) {
    const sameMinor = base.version[0] === want[0] && base.version[1] === want[1];
    problems.push({
      code: 'BASE_CHANGED',
      message: `The environment was made with Python ${want.join('.')}, but its base interpreter ${base.path} is now ${base.versionString}`,
      hint: sameMinor ? `Record the new version: ${fix('upgrade', base.path)}.` : `Packages built for ${want[0]}.${want[1]} will not work with ${base.version[0]}.${base.version[1]}. ${recreate}`,
    });
  }
  const broken = brokenLinks(venv);
  if (broken.length) {
    problems.push({
      code: 'LINK_BROKEN',
      message: `Interpreter link${broken.length > 1 ? 's' : ''} ${broken.map((b) => join(venv.paths.scripts, b)).join(', ')} point${broken.length > 1 ? '' : 's'} at nothing`,
      hint: base ? `Relink to ${base.path}: ${fix('upgrade', base.path)}.` : recreate,
    });
  }
  try {
    statSync(venv.paths.purelib);
  } catch {
    problems.push({ code: 'SITE_PACKAGES_MISSING', message: `${venv.paths.purelib} does not exist`, hint: base ? `${fix('upgrade')} makes it again.` : recreate });
  }
  return { healthy: problems.length === 0, problems };
}
