// Console/GUI launchers and `#!python` rewriting: pure text generation.
import { parseEntryPointValue } from './wheel-meta.js';

/** Linux reads at most this many bytes of a `#!` line (BINPRM_BUF_SIZE before 5.1, also what pip/uv use). */
export const MAX_SHEBANG = 127;

/**
 * The first line(s) that make a script run under `python`. A plain `#!/path/python` when it fits
 * and has no spaces; else the `/bin/sh` trick: sh execs the interpreter on the file, and Python
 * reads the sh line as a string literal it ignores.
 */
export function shebang(python: string): string {
  if (/[\n\r]/.test(python)) throw new Error(`interpreter path contains a newline: ${JSON.stringify(python)}`);
  const plain = `#!${python}\n`;
  if (Buffer.byteLength(plain) <= MAX_SHEBANG && !/[\s]/.test(python)) return plain;
  if (python.includes("'''")) throw new Error(`interpreter path cannot be used in a launcher: ${python}`);
  return `#!/bin/sh\n'''exec' ${shQuote(python)} "$0" "$@"\n' '''\n`;
}

function shQuote(s: string): string {
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Python identifier path usable in `from m import a` (checked by the entry point parser). */
export function launcherScript(python: string, entryPoint: string): string {
  const { module, attr } = parseEntryPointValue(entryPoint);
  const [head, ...rest] = attr.split('.');
  const importLine = attr === '' ? `import ${module}` : `from ${module} import ${head}`;
  const call = attr === '' ? `${module}` : [head, ...rest].join('.');
  return (
    shebang(python) +
    '# -*- coding: utf-8 -*-\n' +
    'import re\n' +
    'import sys\n' +
    `${importLine}\n` +
    "if __name__ == '__main__':\n" +
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n" +
    `    sys.exit(${call}())\n`
  );
}

/**
 * If `data` starts with `#!python` (or `#!pythonw`), the same script with that line pointing at
 * `python`; else undefined (the file is installed unchanged).
 */
export function rewritePythonShebang(data: Buffer, python: string): Buffer | undefined {
  if (data.length < 8 || data.subarray(0, 8).toString('latin1') !== '#!python') return undefined;
  const nl = data.indexOf(0x0a);
  const first = (nl < 0 ? data : data.subarray(0, nl)).toString('latin1').replace(/\r$/, '');
  if (!/^#!pythonw?(\s.*)?$/.test(first)) return undefined;
  const rest = nl < 0 ? Buffer.alloc(0) : data.subarray(nl + 1);
  return Buffer.concat([Buffer.from(shebang(python), 'utf8'), rest]);
}

/**
 * The launcher names for console scripts, as pip names them: pip's own `pip`, `pipX`, `pipX.Y` and
 * setuptools' `easy_install`, `easy_install-X.Y` follow the env's Python version (the wheel's are
 * for whichever Python built it).
 */
export function consoleScriptNames(console: Record<string, string>, pyMajor: number, pyMinor: number): Record<string, string> {
  const out: Record<string, string> = { ...console };
  const pip = out.pip;
  if (pip !== undefined) {
    for (const k of Object.keys(out)) if (/^pip(\d+(\.\d+)?)?$/.test(k)) delete out[k];
    out.pip = pip;
    out[`pip${pyMajor}`] = pip;
    out[`pip${pyMajor}.${pyMinor}`] = pip;
  }
  const ei = out.easy_install;
  if (ei !== undefined) {
    for (const k of Object.keys(out)) if (/^easy_install(-\d+\.\d+)?$/.test(k)) delete out[k];
    out.easy_install = ei;
    out[`easy_install-${pyMajor}.${pyMinor}`] = ei;
  }
  return out;
}
