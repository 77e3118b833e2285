// PEP 514: Python installations registered under HKCU\Software\Python, HKLM\Software\Python and
// HKLM\Software\Wow6432Node\Python (32-bit ones on 64-bit Windows), as <Company>\<Tag>\InstallPath.
// Read from the output of `reg query <root> /s` (no native module), parsed here.

export const PEP514_ROOTS = ['HKCU\\Software\\Python', 'HKLM\\Software\\Python', 'HKLM\\Software\\Wow6432Node\\Python'];

/** Keys of a `reg query /s` listing: full key path (as printed) -> value name -> data. The default value is ''. */
export type RegistryListing = Map<string, Map<string, string>>;

export function parseRegQuery(output: string): RegistryListing {
  const keys: RegistryListing = new Map();
  let current: Map<string, string> | undefined;
  for (const line of output.split(/\r?\n/)) {
    if (/^HKEY_/i.test(line)) {
      current = new Map();
      keys.set(line.trim(), current);
      continue;
    }
    // "    Name    REG_SZ    data": four-space separated; the default value's name is in parentheses
    // and localised ("(Default)", "(Standard)", "(par défaut)").
    const m = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (!m || !current) continue;
    const name = /^\(.*\)$/.test(m[1]!) ? '' : m[1]!;
    current.set(name, m[3] ?? '');
  }
  return keys;
}

export interface RegisteredPython {
  company: string;
  tag: string;
  /** ExecutablePath, else InstallPath\python.exe. */
  executable: string;
  installPath: string;
  /** SysVersion / Version of the tag, else (PythonCore) the tag's leading version. */
  version?: string;
  architecture?: string;
}

/** The installations in one listing, per PEP 514 (the PyLauncher company is the launcher's own, not an install). */
export function registeredPythons(listing: RegistryListing): RegisteredPython[] {
  const out: RegisteredPython[] = [];
  for (const [key, values] of listing) {
    const m = /\\Software\\(?:Wow6432Node\\)?Python\\([^\\]+)\\([^\\]+)\\InstallPath$/i.exec(key);
    if (!m) continue;
    const [company, tag] = [m[1]!, m[2]!];
    if (company.toLowerCase() === 'pylauncher') continue;
    const installPath = values.get('');
    const exe = values.get('ExecutablePath') || (installPath ? installPath.replace(/\\?$/, '\\') + 'python.exe' : undefined);
    if (!exe || !installPath) continue;
    const tagValues = listing.get(key.slice(0, -'\\InstallPath'.length)) ?? new Map<string, string>();
    let version = tagValues.get('SysVersion') || tagValues.get('Version');
    if (!version && company === 'PythonCore') version = /^\d+\.\d+/.exec(tag)?.[0];
    out.push({ company, tag, executable: exe, installPath, version, architecture: tagValues.get('SysArchitecture') });
  }
  return out;
}
