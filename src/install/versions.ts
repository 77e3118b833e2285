// Version helpers the installer needs, on top of the PEP 440 module.
import { normalizeVersion, tryParseVersion } from '../pep/pep440.js';

/**
 * Do two version strings name the same version? PEP 440 normalised forms when both parse
 * (wheel file names write `-` as `_`, so that is undone first), else exact text.
 */
export function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  const fix = (v: string) => (tryParseVersion(v) ? v : v.replace(/_/g, '-'));
  const na = fix(a);
  const nb = fix(b);
  if (!tryParseVersion(na) || !tryParseVersion(nb)) return false;
  return normalizeVersion(na) === normalizeVersion(nb);
}
