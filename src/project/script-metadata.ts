// PEP 723 inline script metadata (`# /// script` ... `# ///`), read as pip 26.2 reads it for
// `install --requirements-from-script FILE`: exactly one `script` block, its TOML's `dependencies`
// and `requires-python`.
import { readFile } from 'node:fs/promises';
import { VenvkitError } from '../errors.js';
import { parseToml } from './pyproject.js';
import { SpecifierSet } from '../pep/pep440-specifiers.js';

const BLOCK = /^# \/\/\/ ([a-zA-Z0-9-]+)$\s((?:^#(?:| .*)$\s)+)^# \/\/\/$/gm;

export interface ScriptMetadata { dependencies: string[]; requiresPython?: string }

/** The `script` block of `path`; BAD_REQUIREMENT when there is none, more than one, or bad TOML. */
export async function readScriptMetadata(path: string): Promise<ScriptMetadata> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new VenvkitError('BAD_PATH', `cannot read the script ${path}: ${(e as Error).message}`, { cause: e, hint: 'Give the path of a Python script with a `# /// script` block.' });
  }
  const blocks = [...text.matchAll(BLOCK)].filter((m) => m[1] === 'script');
  const hint = 'A script declares its dependencies in one block: `# /// script`, `# dependencies = ["name>=1"]`, `# ///` (PEP 723).';
  if (blocks.length > 1) throw new VenvkitError('BAD_REQUIREMENT', `Multiple 'script' blocks found in ${path}`, { hint });
  if (blocks.length === 0) throw new VenvkitError('BAD_REQUIREMENT', `File does not contain 'script' metadata: ${path}`, { hint });
  const toml = blocks[0]![2]!.split(/(?<=\n)/).map((l) => (l.startsWith('# ') ? l.slice(2) : l.slice(1))).join('');
  let data: Record<string, unknown>;
  try {
    data = await parseToml(toml, path);
  } catch (e) {
    throw new VenvkitError('BAD_REQUIREMENT', `Failed to parse TOML in ${path}: ${(e as Error).message}`, { cause: e, hint });
  }
  const deps = data.dependencies ?? [];
  if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) throw new VenvkitError('BAD_REQUIREMENT', `${path}: 'dependencies' of the script block must be a list of strings`, { hint });
  const rp = data['requires-python'];
  if (rp !== undefined && typeof rp !== 'string') throw new VenvkitError('BAD_REQUIREMENT', `${path}: 'requires-python' of the script block must be a string`, { hint });
  return { dependencies: deps as string[], ...(rp ? { requiresPython: rp } : {}) };
}

/** PYTHON_UNSUPPORTED when the script's requires-python excludes `version` (as pip checks it). */
export function checkScriptPython(path: string, meta: ScriptMetadata, version: string): void {
  if (!meta.requiresPython) return;
  if (new SpecifierSet(meta.requiresPython).contains(version, { prereleases: true })) return;
  throw new VenvkitError('PYTHON_UNSUPPORTED', `Script '${path}' requires a different Python: ${version} not in '${meta.requiresPython}'`, {
    hint: 'Use an environment made with an interpreter the script supports.',
  });
}
