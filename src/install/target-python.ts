// Installing for an interpreter other than the one at hand, as pip's --python-version, --platform,
// --implementation and --abi do: wheel tags made the way pip makes them (packaging's cpython_tags,
// generic_tags and compatible_tags over the platforms given, manylinux2014/2010 and macOS platforms
// expanded as pip's _expand_allowed_platforms does), and the Python version for Requires-Python and
// markers. (pip's rules for when this is allowed are the CLI's: src/cli/commands/install.ts.) Pure.
import { VenvkitError } from '../errors.js';
import { compatibleTags } from '../pep/tags.js';
import { macPlatformTags } from '../pep/target-env.js';
import type { InterpreterInfo } from '../python/types.js';

export interface TargetPythonRequest {
  /** "3", "3.11", "311" or "3.11.4". */
  pythonVersion?: string;
  /** Wheel platform tags (linux_x86_64, manylinux2014_x86_64, macosx_11_0_arm64, win_amd64). */
  platforms?: string[];
  /** cp, pp, ip, jy or py. */
  implementation?: string;
  /** ABI tags (cp311, abi3, none). */
  abis?: string[];
}

export function wantsTargetPython(r: TargetPythonRequest): boolean {
  return r.pythonVersion !== undefined || !!r.platforms?.length || r.implementation !== undefined || !!r.abis?.length;
}

function parseVersion(text: string): [number, number, number] {
  const t = text.trim();
  let parts: number[];
  if (/^\d+$/.test(t) && t.length > 1) parts = [Number(t[0]), Number(t.slice(1))];
  else if (/^\d+(\.\d+){0,2}$/.test(t)) parts = t.split('.').map(Number);
  else throw new VenvkitError('USAGE', `install: "${text}" is not a Python version`, { hint: 'Give 3, 3.11, 311 or 3.11.4.' });
  return [parts[0]!, parts[1] ?? 0, parts[2] ?? 0];
}

const IMPLEMENTATIONS: Record<string, string> = { cp: 'cpython', pp: 'pypy', ip: 'ironpython', jy: 'jython' };

/** pip's _expand_allowed_platforms: manylinux2014/2010 add their older aliases; macosx_X_Y_ARCH every older release. */
export function expandPlatforms(platforms: readonly string[]): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  for (const p of platforms) {
    const mac = /^macosx_(\d+)_(\d+)_(.+)$/.exec(p);
    const many = /^(manylinux2014|manylinux2010)_(.+)$/.exec(p);
    if (mac) for (const t of macPlatformTags(`${mac[1]}.${mac[2]}`, mac[3]!)) add(t);
    else if (many) {
      const arch = many[2]!;
      add(p);
      const legacy = arch === 'x86_64' || arch === 'i686';
      if (many[1] === 'manylinux2014' && legacy) {
        add(`manylinux2010_${arch}`);
        add(`manylinux1_${arch}`);
      }
      if (many[1] === 'manylinux2010') add(`manylinux1_${arch}`);
    } else add(p);
  }
  return out;
}

/**
 * The interpreter facts and tag list an install for `r` resolves with, from `info` (the interpreter
 * at hand: what `r` does not change is taken from it, as pip does).
 */
export function targetPython(info: InterpreterInfo, r: TargetPythonRequest): { info: InterpreterInfo; tags: string[] } {
  const version = r.pythonVersion !== undefined ? parseVersion(r.pythonVersion) : info.version;
  const prefix = r.implementation ?? ({ cpython: 'cp', pypy: 'pp' } as Record<string, string>)[info.implementation] ?? info.implementation;
  const sameVersion = version[0] === info.version[0] && version[1] === info.version[1];
  const configVars = { ...info.configVars };
  if (!sameVersion) delete configVars.py_version_nodot;
  const target: InterpreterInfo = {
    ...info,
    version,
    versionString: version.join('.'),
    implementation: IMPLEMENTATIONS[prefix] ?? prefix,
    configVars,
  };
  if (!r.platforms?.length && !r.abis?.length) return { info: target, tags: compatibleTags(target) };
  const platforms = r.platforms?.length ? expandPlatforms(r.platforms) : undefined;
  return { info: target, tags: compatibleTags(target, { platforms, abis: r.abis }) };
}
