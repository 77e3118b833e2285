// The `uploadedPriorTo` option, in pip 26.2's order (LinkEvaluator.evaluate_link): a link is first
// dropped for what makes it unusable here (not a distribution file, a wheel of another project, a
// wheel whose tags this interpreter cannot install, a wheel where binaries are not allowed), and only
// then asked for its PEP 700 upload-time. A file:// link is exempt. A usable link with no upload-time
// stops the install (pip: "Index ... does not provide upload-time metadata."); a link uploaded too
// late is left out. What is checked after the upload-time in pip (only-binary against an sdist, the
// sdist's name and version, Requires-Python) does not save a link that lacks one.
import { VenvkitError } from '../errors.js';
import { bestTagRank } from '../pep/tags.js';
import type { PageLink, ProjectCandidates } from './types.js';

/** A link with no upload-time, kept aside until it is known whether pip would have asked for one. */
export interface MissingUploadTime {
  filename: string;
  /** The project page (or find-links location) it came from. */
  page: string;
  kind: 'wheel' | 'sdist';
}

/** 'ok' (uploaded before `before`, or a file:// link), 'late', or 'missing' (no upload-time given). */
export function uploadTimeVerdict(link: PageLink, before: number): 'ok' | 'late' | 'missing' {
  if (/^file:/i.test(link.url)) return 'ok';
  if (!link.uploadTime) return 'missing';
  const t = Date.parse(link.uploadTime);
  return Number.isFinite(t) && t < before ? 'ok' : 'late';
}

/**
 * Throws NO_UPLOAD_TIME when a link of `project` lacks an upload-time and pip would have reached that
 * check: any sdist, or a wheel whose tags are in `tags` while `binary` (wheels allowed for it).
 */
export function checkUploadTimes(project: ProjectCandidates, target: { tags: readonly string[]; binary: boolean }): void {
  for (const m of project.noUploadTime ?? []) {
    if (m.kind === 'wheel' && (!target.binary || bestTagRank(wheelTagSet(m.filename), target.tags) === null)) continue;
    throw new VenvkitError('NO_UPLOAD_TIME', `Index ${m.page} does not provide upload-time metadata (${m.filename}), which the \`uploadedPriorTo\` option needs`, {
      hint: 'Use an index that serves PEP 700 JSON pages with upload-time (PyPI does), or leave out the `uploadedPriorTo` option.',
    });
  }
}

function wheelTagSet(filename: string): string[] {
  const parts = filename.slice(0, -4).split('-');
  return parts.length >= 5 ? [parts.slice(-3).join('-')] : [];
}
