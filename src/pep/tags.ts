/**
 * Platform compatibility tags (https://packaging.python.org/specifications/platform-compatibility-tags/):
 * the ordered list of tags a target interpreter accepts, best first, as pip computes it
 * (pip._internal.utils.compatibility_tags.get_supported over packaging.tags), from the probe's facts.
 * Linux (manylinux / musllinux / linux_<arch>) and Windows are covered; macOS (macosx_*) when the
 * facts carry macosVersion (lock targets, src/pep/target-env.ts).
 * Pure; no I/O.
 */
import type { InterpreterInfo } from '../python/types.js';
import { macPlatformTags } from './target-env.js';

/** Manylinux policies that predate PEP 600, by the glibc they stand for. */
const LEGACY_MANYLINUX: Record<string, string> = { '2.17': 'manylinux2014', '2.12': 'manylinux2010', '2.5': 'manylinux1' };

function normalize(s: string): string {
  return s.replace(/[.-]/g, '_');
}

/** The architecture as sysconfig.get_platform() reports it, with packaging's 32-bit adjustments. */
function linuxArch(info: InterpreterInfo): string {
  let arch = info.machine;
  if (info.pointerBits === 32) {
    if (arch === 'x86_64') arch = 'i686';
    else if (arch === 'aarch64') arch = 'armv7l';
  }
  if (/^i[3-6]86$/.test(arch)) arch = 'i686';
  return arch;
}

/** Platform tags, most specific first. */
export function platformTags(info: InterpreterInfo): string[] {
  if (info.platform === 'win32') {
    const m = info.machine.toLowerCase();
    return [info.pointerBits === 32 || m === 'x86' ? 'win32' : m === 'arm64' ? 'win_arm64' : 'win_amd64'];
  }
  if (info.platform === 'darwin' && info.macosVersion) return macPlatformTags(info.macosVersion, info.machine);
  if (!info.platform.startsWith('linux')) return [normalize(`${info.platform}_${info.machine}`)];
  const arch = linuxArch(info);
  const out: string[] = [];
  const [libcName, libcVersion] = info.libc;
  const m = /^(\d+)\.(\d+)/.exec(libcVersion ?? '');
  if (libcName === 'glibc' && m) {
    const major = Number(m[1]);
    const minor = Number(m[2]);
    // Oldest glibc any manylinux policy covers for this architecture.
    const floor = arch === 'x86_64' || arch === 'i686' ? 5 : 17;
    if (major === 2) {
      for (let n = minor; n >= floor; n--) {
        out.push(`manylinux_2_${n}_${arch}`);
        const legacy = LEGACY_MANYLINUX[`2.${n}`];
        if (legacy) out.push(`${legacy}_${arch}`);
      }
    }
  } else if (libcName === 'musl' && m) {
    for (let n = Number(m[2]); n >= 0; n--) out.push(`musllinux_${m[1]}_${n}_${arch}`);
  }
  out.push(`linux_${arch}`);
  return out;
}

function nodot(major: number, minor: number): string {
  return `${major}${minor}`;
}

/** CPython's own ABI tags, most specific first ("cp37m", "cp312d" + "cp312", "cp313t"). */
function cpythonAbis(info: InterpreterInfo): string[] {
  const [major, minor] = info.version;
  const v = nodot(major, minor);
  const cv = info.configVars ?? {};
  const debug = cv.Py_DEBUG === 1 || cv.Py_DEBUG === '1' ? 'd' : '';
  const threading = cv.Py_GIL_DISABLED === 1 || cv.Py_GIL_DISABLED === '1' ? 't' : '';
  const abis: string[] = [];
  if (major === 3 && minor < 8) {
    const pymalloc = info.abiflags.includes('m') ? 'm' : '';
    abis.push(`cp${v}${debug}${pymalloc}`);
  } else {
    abis.push(`cp${v}${threading}${debug}`);
    if (debug) abis.push(`cp${v}${threading}`);
  }
  return abis;
}

function interpreterPrefix(info: InterpreterInfo): string {
  switch (info.implementation) {
    case 'cpython':
      return 'cp';
    case 'pypy':
      return 'pp';
    case 'ironpython':
      return 'ip';
    case 'jython':
      return 'jy';
    default:
      return info.implementation;
  }
}

/**
 * The tags a wheel may carry to be installable on this interpreter, best first (pip's order).
 * `custom`: pip's --platform (the platform tags, already expanded) and --abi (packaging's
 * cpython_tags/generic_tags with explicit abis: "abi3" and "none" are placed by the rules, not the list).
 */
export function compatibleTags(info: InterpreterInfo, custom: { platforms?: readonly string[]; abis?: readonly string[] } = {}): string[] {
  const [major, minor] = info.version;
  const platforms = custom.platforms ?? platformTags(info);
  const prefix = interpreterPrefix(info);
  const nodotVersion = String(info.configVars?.py_version_nodot ?? nodot(major, minor));
  const interpreter = `${prefix}${nodotVersion}`;
  const out: string[] = [];
  if (prefix === 'cp') {
    const freeThreaded = info.configVars?.Py_GIL_DISABLED === 1 || info.configVars?.Py_GIL_DISABLED === '1';
    const abi3 = major === 3 && minor >= 2 && !freeThreaded;
    const abis = custom.abis ? custom.abis.filter((a) => a !== 'abi3' && a !== 'none') : cpythonAbis(info);
    for (const abi of abis) for (const p of platforms) out.push(`${interpreter}-${abi}-${p}`);
    if (abi3) for (const p of platforms) out.push(`${interpreter}-abi3-${p}`);
    for (const p of platforms) out.push(`${interpreter}-none-${p}`);
    if (abi3) for (let m = minor - 1; m > 1; m--) for (const p of platforms) out.push(`cp${nodot(major, m)}-abi3-${p}`);
  } else {
    const soabi = info.configVars?.SOABI;
    const abis = custom.abis?.length ? [...custom.abis] : typeof soabi === 'string' && soabi ? [normalize(soabi)] : [];
    if (!abis.includes('none')) abis.push('none');
    for (const abi of abis) for (const p of platforms) out.push(`${interpreter}-${abi}-${p}`);
  }
  const pys = [`py${nodot(major, minor)}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) pys.push(`py${nodot(major, m)}`);
  for (const py of pys) for (const p of platforms) out.push(`${py}-none-${p}`);
  out.push(`${interpreter}-none-any`);
  for (const py of pys) out.push(`${py}-none-any`);
  return out;
}

/** Expands a wheel's compressed tag set ("py2.py3-none-any") into single tags. */
export function expandTags(compressed: string): string[] {
  const [pys, abis, plats] = compressed.split('-');
  if (!pys || !abis || !plats) return [];
  const out: string[] = [];
  for (const py of pys.split('.')) for (const abi of abis.split('.')) for (const p of plats.split('.')) out.push(`${py}-${abi}-${p}`);
  return out;
}

const ranks = new WeakMap<readonly string[], Map<string, number>>();

/**
 * The rank (0 = best) of the best tag in `wheelTags` within `tagList` (from compatibleTags), or
 * null when the wheel is not installable here. `wheelTags` may hold compressed sets ("py2.py3-none-any").
 */
export function bestTagRank(wheelTags: readonly string[], tagList: readonly string[]): number | null {
  let index = ranks.get(tagList);
  if (!index) {
    index = new Map();
    tagList.forEach((t, i) => {
      if (!index!.has(t)) index!.set(t, i);
    });
    ranks.set(tagList, index);
  }
  let best: number | null = null;
  for (const w of wheelTags) {
    for (const t of w.includes('.') ? expandTags(w) : [w]) {
      const r = index.get(t);
      if (r !== undefined && (best === null || r < best)) best = r;
    }
  }
  return best;
}
