// The Windows `py` launcher's list of interpreters: `py --list-paths` (also `py -0p`). Two formats:
//   new (3.11+):  " -V:3.12 *        C:\...\python.exe"   (the * marks the default)
//   old:          " -3.9-64        C:\Python39\python.exe *"
// Lines without an absolute Windows path (headers, "Installed Pythons found by ...") are skipped.

export interface LauncherEntry {
  /** "3.12", "3.9-64", "ContinuumAnalytics/Anaconda39-64" */
  tag: string;
  path: string;
  isDefault: boolean;
}

export function parsePyListPaths(output: string): LauncherEntry[] {
  const out: LauncherEntry[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*-(?:V:)?(\S+)\s+(\*\s+)?([A-Za-z]:\\.*?|\\\\.*?)(\s+\*)?\s*$/.exec(line);
    if (!m) continue;
    out.push({ tag: m[1]!, path: m[3]!, isDefault: Boolean(m[2] || m[4]) });
  }
  return out;
}
