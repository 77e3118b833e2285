// The newest version the indexes offer for installed distributions (`list --outdated/--uptodate`),
// chosen as pip's `list` chooses it: files for this interpreter only (wheel tags, Requires-Python)
// in the formats --no-binary/--only-binary allow, pre-releases only with `pre` or where
// --all-releases allows them (--only-final: never), a non-yanked file over a yanked one, then (with
// --prefer-binary) a wheel over an sdist, then the highest version; the type is "wheel" when a
// compatible wheel of that version exists, else "sdist". --uploaded-prior-to and --refresh-package
// act in the index client. A project no index could be read for has no latest version (a
// warning says why), as in pip's list.
import { VenvkitError } from '../errors.js';
import { FormatControl } from '../index/format-control.js';
import { IndexClient } from '../index/index-client.js';
import { prereleaseRule } from '../index/release-control.js';
import { applyFlags, checkBooleans, LIST_BOOLEAN_KEYS, loadPipConfig, type IndexFlags } from '../index/pip-config.js';
import type { Candidate } from '../index/types.js';
import { compareVersions, tryParseVersion, type Version } from '../pep/pep440.js';
import { SpecifierSet } from '../pep/pep440-specifiers.js';
import { bestTagRank, compatibleTags } from '../pep/tags.js';
import type { InterpreterInfo } from '../python/types.js';

export interface Latest {
  version: string;
  filetype: 'wheel' | 'sdist';
}

function pythonFits(spec: string | undefined, python: Version | null): boolean {
  if (!spec || !python) return true;
  try {
    return new SpecifierSet(spec).matches(python);
  } catch {
    return true;
  }
}

const wheelTags = (filename: string) => {
  const parts = filename.slice(0, -4).split('-');
  return parts.length >= 5 ? [parts.slice(-3).join('-')] : [];
};

/** The latest version of each project `names` names (absent: nothing fits), by the name as given. */
export async function latestVersions(names: readonly string[], interpreter: InterpreterInfo, options: { flags?: IndexFlags; env?: NodeJS.ProcessEnv; onWarning?: (m: string) => void } = {}): Promise<Map<string, Latest>> {
  const config = loadPipConfig({ env: options.env ?? process.env });
  checkBooleans(config, LIST_BOOLEAN_KEYS);
  const settings = applyFlags(config.settings, options.flags ?? {});
  const client = new IndexClient({ settings, env: options.env, onWarning: options.onWarning });
  const tags = compatibleTags(interpreter);
  const python = tryParseVersion(interpreter.versionString);
  const formats = FormatControl.from(settings.formatControl ?? []);
  const pre = prereleaseRule(settings);
  const out = new Map<string, Latest>();
  try {
    await Promise.all(names.map(async (name) => {
      let p;
      try {
        p = await client.project(name);
      } catch (e) {
        // No index could be read for it (the client has warned which): pip's list skips it too.
        if (e instanceof VenvkitError && e.code === 'INDEX_ERROR') return;
        throw e;
      }
      const files: { c: Candidate; v: Version; wheel: boolean }[] = [];
      const allowed = formats.allowedFormats(name);
      const preOk = typeof pre === 'function' ? pre(name) === true : pre;
      for (const [c, wheel] of [...p.candidates.map((c) => [c, true] as const), ...p.sdists.map((c) => [c, false] as const)]) {
        const v = tryParseVersion(c.version);
        if (!v || (v.isPrerelease && !preOk) || !allowed.has(wheel ? 'binary' : 'source')) continue;
        if (!pythonFits(c.requiresPython, python)) continue;
        if (wheel && bestTagRank(wheelTags(c.filename), tags) === null) continue;
        files.push({ c, v, wheel });
      }
      let best: (typeof files)[number] | undefined;
      for (const f of files) {
        if (!best) best = f;
        else {
          const yank = Number(!!best.c.yanked) - Number(!!f.c.yanked);
          const binary = settings.preferBinary ? Number(f.wheel) - Number(best.wheel) : 0;
          const cmp = yank || binary || compareVersions(f.v, best.v) || Number(f.wheel) - Number(best.wheel);
          if (cmp > 0) best = f;
        }
      }
      if (best) out.set(name, { version: best.v.toString(), filetype: best.wheel ? 'wheel' : 'sdist' });
    }));
  } finally {
    client.close();
  }
  return out;
}
