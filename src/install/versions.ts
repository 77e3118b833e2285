// Version helpers the installer needs, on top of the PEP 440 module.
import { compareVersions, tryParseVersion } from '../pep/pep440.js';

/**
 * Do two version strings name the same version? PEP 440 equality when both parse (wheel file
 * names write `-` as `_`, so that is undone first), else exact text.
 */
export function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  const parse = (v: string) => tryParseVersion(v) ?? tryParseVersion(v.replace(/_/g, '-'));
  const va = parse(a);
  const vb = parse(b);
  return !!va && !!vb && compareVersions(va, vb) === 0;
}
