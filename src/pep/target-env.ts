/**
 * Target environments that are not installed here: "CPython 3.10 on macOS arm64". A target is
 * described by the same InterpreterInfo facts a probe gives (so markerEnvironment() and
 * compatibleTags() work unchanged), made up from a Python version and a platform spec:
 *
 *   linux | linux-x86_64 | linux-aarch64 | linux-x86_64-manylinux_2_34 | linux-aarch64-musllinux_1_2
 *   macos | macos-arm64 | macos-x86_64 | macos-arm64-14.0
 *   windows | windows-amd64 | windows-arm64 | windows-x86
 *
 * Defaults: Linux x86_64 with glibc 2.28 (manylinux_2_28, e.g. RHEL 8 / Debian 10 and newer),
 * macOS 13.0 on arm64, Windows amd64. Pure; no I/O.
 */
import { VenvkitError } from '../errors.js';
import type { InterpreterInfo } from '../python/types.js';

export interface TargetPlatform {
  os: 'linux' | 'macos' | 'windows';
  /** platform.machine() there: x86_64, aarch64, arm64, AMD64, ARM64, x86. */
  machine: string;
  /** Linux: ["glibc", "2.28"] or ["musl", "1.2"]. */
  libc?: [string, string];
  /** macOS: the oldest release the lock must work on ("13.0"). */
  macos?: string;
  /** The spec as normalised ("linux-x86_64-manylinux_2_28"), for names and messages. */
  spec: string;
}

const DEFAULT_GLIBC = '2.28';
const DEFAULT_MACOS = '13.0';

const ARCHES: Record<TargetPlatform['os'], Record<string, string>> = {
  linux: { x86_64: 'x86_64', amd64: 'x86_64', aarch64: 'aarch64', arm64: 'aarch64' },
  macos: { arm64: 'arm64', aarch64: 'arm64', x86_64: 'x86_64', amd64: 'x86_64' },
  windows: { amd64: 'AMD64', x86_64: 'AMD64', arm64: 'ARM64', aarch64: 'ARM64', x86: 'x86', win32: 'x86' },
};
const DEFAULT_ARCH: Record<TargetPlatform['os'], string> = { linux: 'x86_64', macos: 'arm64', windows: 'amd64' };
const OS_ALIASES: Record<string, TargetPlatform['os']> = { linux: 'linux', macos: 'macos', darwin: 'macos', osx: 'macos', windows: 'windows', win: 'windows', win32: 'windows' };

function badPlatform(spec: string, why: string): never {
  throw new VenvkitError('USAGE', `--platform ${spec}: ${why}`, {
    hint: 'Give linux, macos or windows, optionally with an architecture: linux-x86_64, linux-aarch64, macos-arm64, macos-x86_64, windows-amd64 (and linux-x86_64-manylinux_2_34, macos-arm64-14.0).',
  });
}

/** Parses a --platform value (see the module comment). */
export function parsePlatform(text: string): TargetPlatform {
  const spec = text.trim().toLowerCase();
  const [osName, archName, extra, ...more] = spec.split('-');
  const os = OS_ALIASES[osName ?? ''];
  if (!os) badPlatform(text, `unknown operating system '${osName}'`);
  if (more.length) badPlatform(text, 'too many parts');
  const arch = archName ?? DEFAULT_ARCH[os];
  const machine = ARCHES[os][arch];
  if (!machine) badPlatform(text, `unknown architecture '${arch}' for ${os} (known: ${Object.keys(ARCHES[os]).join(', ')})`);
  if (os === 'linux') {
    let libc: [string, string] = ['glibc', DEFAULT_GLIBC];
    if (extra) {
      const m = /^(manylinux|musllinux)_(\d+)_(\d+)$/.exec(extra);
      if (!m) badPlatform(text, `'${extra}' is not a libc tag (manylinux_2_28, musllinux_1_2)`);
      libc = [m[1] === 'manylinux' ? 'glibc' : 'musl', `${m[2]}.${m[3]}`];
    }
    const tag = `${libc[0] === 'glibc' ? 'manylinux' : 'musllinux'}_${libc[1].replace('.', '_')}`;
    return { os, machine, libc, spec: `linux-${machine}-${tag}` };
  }
  if (os === 'macos') {
    const version = extra ?? DEFAULT_MACOS;
    if (!/^\d+\.\d+$/.test(version) || Number(version.split('.')[0]) < 10) badPlatform(text, `'${extra}' is not a macOS version (13.0, 14.0, 10.15)`);
    return { os, machine, macos: version, spec: `macos-${machine}-${version}` };
  }
  if (extra) badPlatform(text, `unexpected '${extra}'`);
  return { os, machine, spec: `windows-${machine.toLowerCase()}` };
}

/** Parses a --python-version value: "3.10" or "3.10.4" (CPython). */
export function parsePythonVersion(text: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m || Number(m[1]) !== 3) {
    throw new VenvkitError('USAGE', `--python-version ${text}: expected a CPython 3 version such as 3.12 or 3.12.4`, { hint: 'Give MAJOR.MINOR or MAJOR.MINOR.PATCH.' });
  }
  return [3, Number(m[2]), Number(m[3] ?? 0)];
}

/**
 * The facts of CPython `version` on `platform`, as a probe there would report the parts that
 * markers and wheel tags use. Paths are empty: nothing runs it.
 */
export function targetInterpreter(version: [number, number, number], platform: TargetPlatform): InterpreterInfo {
  const versionString = version.join('.');
  const sysPlatform = platform.os === 'linux' ? 'linux' : platform.os === 'macos' ? 'darwin' : 'win32';
  return {
    path: '', realPath: '', executable: '', baseExecutable: '',
    implementation: 'cpython',
    version, versionString, releaseLevel: 'final', serial: 0,
    prefix: '', basePrefix: '', execPrefix: '', baseExecPrefix: '',
    platform: sysPlatform,
    osName: platform.os === 'windows' ? 'nt' : 'posix',
    machine: platform.machine,
    platformSystem: platform.os === 'linux' ? 'Linux' : platform.os === 'macos' ? 'Darwin' : 'Windows',
    platformRelease: '', platformVersion: '',
    pointerBits: platform.machine === 'x86' ? 32 : 64,
    venvPaths: {}, venvScheme: '',
    configVars: { py_version_nodot: `${version[0]}${version[1]}`, Py_GIL_DISABLED: 0, Py_DEBUG: 0 },
    abiflags: '',
    cacheTag: `cpython-${version[0]}${version[1]}`,
    libc: platform.libc ?? ['', ''],
    ...(platform.macos ? { macosVersion: platform.macos } : {}),
    ensurepip: [], baseSitePackages: [],
    stamp: { mtimeMs: 0, size: 0, ino: 0 },
  };
}

/** A marker that holds exactly on `platform` (sys_platform and platform_machine). */
export function platformMarker(platform: TargetPlatform): string {
  const sys = platform.os === 'linux' ? 'linux' : platform.os === 'macos' ? 'darwin' : 'win32';
  return `sys_platform == "${sys}" and platform_machine == "${platform.machine}"`;
}

function macBinaryFormats(version: [number, number], arch: string): string[] {
  const formats = [arch];
  if (arch === 'x86_64') {
    if (version[0] === 10 && version[1] < 4) return [];
    formats.push('intel', 'fat64', 'fat32');
  }
  if (arch === 'arm64' || arch === 'x86_64') formats.push('universal2');
  if (arch === 'x86_64') formats.push('universal');
  return formats;
}

/** macOS platform tags, most specific first, as packaging's mac_platforms(version, arch) yields them. */
export function macPlatformTags(macos: string, arch: string): string[] {
  const [major, minor] = macos.split('.').map(Number) as [number, number];
  const out: string[] = [];
  if (major === 10) {
    for (let m = minor; m >= 0; m--) for (const f of macBinaryFormats([10, m], arch)) out.push(`macosx_10_${m}_${f}`);
  } else {
    for (let M = major; M > 10; M--) for (const f of macBinaryFormats([M, 0], arch)) out.push(`macosx_${M}_0_${f}`);
    for (let m = 16; m > 3; m--) {
      if (arch === 'x86_64') for (const f of macBinaryFormats([10, m], arch)) out.push(`macosx_10_${m}_${f}`);
      else out.push(`macosx_10_${m}_universal2`);
    }
  }
  return out;
}
