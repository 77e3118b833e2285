// VCS requirements, as pip takes them: `git+https://`, `git+http://`, `git+ssh://`, `git+git://`,
// `git+file://` and scp-like `git+git@host:path` URLs, with `@rev` after the path (a branch, a tag,
// a full or short commit hash, a ref) and `#egg=name` / `#subdirectory=path` fragments. The checkout
// runs the `git` command, hardened against hostile URLs and repositories: no `ext::` transport, no
// option injection (URLs and revs starting with `-` are refused, and `--` ends git's options), no
// terminal prompt. A branch or tag is cloned shallow; a commit needs a partial clone, as pip makes.
// Submodules are updated as pip does (`git submodule update --init --recursive`).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { VenvkitError } from '../errors.js';

export interface VcsSpec {
  vcs: 'git';
  /** The URL as written (with `git+`, rev and fragment). */
  original: string;
  /** What git clones: no `git+`, no `@rev`, no fragment (credentials kept). */
  url: string;
  /** The requested revision (after the path's last `@`), percent-decoded as pip does. */
  rev?: string;
  /** `#egg=`: the project name (extras included as written), when given. */
  egg?: string;
  /** `#subdirectory=`: where the project lies inside the repository. */
  subdirectory?: string;
}

const VCS_SCHEME = /^(git|hg|svn|bzr)\+/i;

/** Whether `url` is a VCS URL (`git+...`, `hg+...`, `svn+...`, `bzr+...`). */
export function isVcsUrl(url: string): boolean {
  return VCS_SCHEME.test(url.trim());
}

function bad(url: string, why: string, hint = 'Write it as git+https://host/repo.git@REV#subdirectory=DIR (see pip\'s VCS support).'): VenvkitError {
  return new VenvkitError('BAD_REQUIREMENT', `${url}: ${why}`, { hint });
}

/** Parse a pip VCS URL; BAD_REQUIREMENT for anything git cannot be trusted with. */
export function parseVcsUrl(original: string): VcsSpec {
  const text = original.trim();
  const m = /^([a-z][a-z0-9.-]*)\+/i.exec(text);
  if (!m) throw bad(original, 'not a VCS URL (expected git+https://, git+ssh://, git+file://...)');
  if (m[1]!.toLowerCase() !== 'git') {
    throw bad(original, `${m[1]} repositories are not supported`, 'venvkit checks out git repositories only; build a wheel or an sdist of the project and install that.');
  }
  if (/[\s\0-\x1f\x7f]/.test(text)) throw bad(original, 'contains whitespace or control characters');
  // The fragment's egg= and subdirectory= (pip reads them anywhere after # or &).
  const hash = text.indexOf('#');
  const fragment = hash === -1 ? '' : text.slice(hash);
  let rest = hash === -1 ? text : text.slice(0, hash);
  const egg = /[#&]egg=([^&]*)/.exec(fragment)?.[1];
  const sub = /[#&]subdirectory=([^&]*)/.exec(fragment)?.[1];
  if (egg !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(\[[^\]]*\])?$/.test(egg)) throw bad(original, `#egg=${egg} is not a project name`);
  let subdirectory: string | undefined;
  if (sub !== undefined && sub !== '') {
    subdirectory = decodeURIComponent(sub).replace(/\\/g, '/').replace(/\/+$/, '');
    if (subdirectory.startsWith('/') || /^[A-Za-z]:/.test(subdirectory) || subdirectory.split('/').includes('..')) {
      throw bad(original, `#subdirectory=${sub} must be a relative path inside the repository`);
    }
  }
  rest = rest.slice(m[0].length);
  // scp-like git@host:path (no "://"): pip reads it as ssh://, then drops the ssh:// again.
  const scpLike = !rest.includes('://');
  if (scpLike && /^file:/i.test(rest)) throw bad(original, 'a file URL needs file:// (git+file:///path/to/repo)');
  if (scpLike && !/^([A-Za-z0-9._~-]+@)?[A-Za-z0-9.-]+:(?!:)/.test(rest)) throw bad(original, 'not a URL git can clone (scp-like addresses are user@host:path)');
  const parseable = scpLike ? `ssh://${rest}` : rest;
  const u = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?$/i.exec(parseable);
  if (!u) throw bad(original, 'not a URL git can clone');
  const scheme = u[1]!.toLowerCase();
  if (!['https', 'http', 'ssh', 'git', 'file'].includes(scheme)) throw bad(original, `git+${scheme}:// is not supported (use git+https, git+ssh, git+http, git+git or git+file)`);
  let path = u[3]!;
  let rev: string | undefined;
  const at = path.lastIndexOf('@');
  if (at !== -1) {
    const raw = path.slice(at + 1);
    path = path.slice(0, at);
    if (!raw) throw bad(original, 'has an empty revision after @', 'Put a branch, tag or commit after @, or remove the @.');
    rev = decodeURIComponent(raw);
    if (rev.startsWith('-')) throw bad(original, `the revision '${rev}' starts with '-' (git would read it as an option)`);
  }
  let url = `${scheme}://${u[2]}${path}${u[4] ?? ''}`;
  if (scpLike) url = url.slice('ssh://'.length);
  if (url.startsWith('-')) throw bad(original, "the repository URL starts with '-' (git would read it as an option)");
  return { vcs: 'git', original, url, ...(rev !== undefined ? { rev } : {}), ...(egg ? { egg } : {}), ...(subdirectory ? { subdirectory } : {}) };
}

export interface CheckoutOptions {
  signal?: AbortSignal;
  /** The environment git runs with (default process.env); GIT_TERMINAL_PROMPT=0 is added. */
  env?: NodeJS.ProcessEnv;
  /** The git program (default `git` on PATH). */
  git?: string;
  /** Each line git prints (stderr and stdout), for -v. */
  onOutput?: (line: string) => void;
}

export interface CheckoutResult {
  /** The project directory: the checkout, or its #subdirectory. */
  dir: string;
  /** The checkout's root. */
  root: string;
  /** The full commit hash checked out. */
  commitId: string;
  /** The revision asked for (undefined: the default branch). */
  requestedRevision?: string;
}

const looksLikeHash = (rev: string) => /^[0-9a-fA-F]{7,64}$/.test(rev);
const fullHash = (rev: string) => /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(rev);

/**
 * Clone `spec` into `destDir` (created; must be missing or empty) and check out its revision.
 * VCS_FAILED with git's own message when git fails (a missing rev, an unreachable repository);
 * INTERRUPTED when `signal` aborts (git and its children are killed). On failure destDir is emptied.
 */
export async function checkoutVcs(spec: VcsSpec, destDir: string, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  if (spec.url.startsWith('-') || spec.rev?.startsWith('-')) throw bad(spec.original, "a URL or revision starting with '-' is refused");
  const dest = resolve(destDir);
  mkdirSync(dest, { recursive: true });
  if (readdirSync(dest).length > 0) throw new VenvkitError('INTERNAL', `checkoutVcs: ${dest} is not empty`);
  const git = (args: string[], cwd?: string) => runGit(args, cwd, options);
  const empty = () => {
    for (const n of readdirSync(dest)) rmSync(join(dest, n), { recursive: true, force: true });
  };
  try {
    const rev = spec.rev;
    let done = false;
    let firstFailure: GitResult | undefined;
    if (rev === undefined || (!looksLikeHash(rev) && !rev.startsWith('refs/'))) {
      // A branch or a tag (or the default branch): one shallow clone does it.
      const r = await git(['clone', '--depth', '1', '--quiet', ...(rev ? ['--branch', rev] : []), '--', spec.url, dest]);
      if (r.code === 0) done = true;
      else if (rev && /not found in upstream|Could not find remote branch/i.test(r.output)) {
        firstFailure = r;
        empty();
      } else throw failed(spec, 'clone', r);
    }
    if (!done) {
      const r = await git(['clone', '--filter=blob:none', '--quiet', '--', spec.url, dest]);
      if (r.code !== 0) throw failed(spec, 'clone', r);
      await checkoutRev(spec, rev!, dest, git, firstFailure);
    }
    const head = await git(['rev-parse', 'HEAD'], dest);
    if (head.code !== 0) throw failed(spec, 'rev-parse', head);
    const commitId = head.stdout.trim();
    return await finishCheckout(spec, dest, commitId, git);
  } catch (e) {
    empty();
    throw e;
  }
}

/**
 * Bring an existing checkout (pip's `<env>/src/NAME` of an editable VCS requirement) to `spec`'s
 * revision, as pip updates it: fetch from the same remote and check the revision out. Unlike pip
 * (`git reset --hard`), local changes are never thrown away: a checkout with uncommitted changes that
 * would have to move is refused, and so is a checkout of another repository.
 */
export async function updateVcs(spec: VcsSpec, destDir: string, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  if (spec.url.startsWith('-') || spec.rev?.startsWith('-')) throw bad(spec.original, "a URL or revision starting with '-' is refused");
  const dest = resolve(destDir);
  const git = (args: string[], cwd?: string) => runGit(args, cwd, options);
  const remote = await git(['remote', 'get-url', 'origin'], dest);
  if (remote.code !== 0 || remote.stdout.trim() !== spec.url) {
    throw new VenvkitError('VCS_FAILED', `${dest} already holds ${remote.code === 0 ? `a checkout of ${remote.stdout.trim()}` : 'something that is not a git checkout'}, not of ${spec.url}`, {
      hint: `Move ${dest} away (venvkit does not delete it), then install again.`,
    });
  }
  const head = async () => {
    const r = await git(['rev-parse', 'HEAD'], dest);
    if (r.code !== 0) throw failed(spec, 'rev-parse', r);
    return r.stdout.trim();
  };
  const before = await head();
  // The revision asked for (the remote's default branch when none), fetched; else a commit already here.
  let target: string | undefined;
  const f = await git(['fetch', '-q', '--', spec.url, spec.rev ?? 'HEAD'], dest);
  if (f.code === 0) {
    const r = await git(['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}'], dest);
    if (r.code === 0) target = r.stdout.trim();
  }
  if (!target && spec.rev) {
    const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${spec.rev}^{commit}`], dest);
    if (r.code === 0) target = r.stdout.trim();
  }
  if (!target) throw failed(spec, 'fetch', f);
  if (target !== before) {
    const dirty = await git(['status', '--porcelain', '--untracked-files=no'], dest);
    if (dirty.code !== 0) throw failed(spec, 'status', dirty);
    if (dirty.stdout.trim()) {
      throw new VenvkitError('VCS_FAILED', `${dest} has uncommitted changes, and ${spec.rev ?? 'the default branch'} is another commit (${target.slice(0, 12)}, the checkout is at ${before.slice(0, 12)})`, {
        hint: 'Commit or stash your changes in that checkout (venvkit never discards them), then install again.',
      });
    }
    const c = await git(['checkout', '-q', '--detach', target], dest);
    if (c.code !== 0) throw failed(spec, 'checkout', c);
  }
  return finishCheckout(spec, dest, target, git);
}

/** The common end of a checkout and an update: submodules as pip does, then the #subdirectory. */
async function finishCheckout(spec: VcsSpec, dest: string, commitId: string, git: (a: string[], c?: string) => Promise<GitResult>): Promise<CheckoutResult> {
  if (existsSync(join(dest, '.gitmodules'))) {
    const s = await git(['submodule', 'update', '--init', '--recursive', '-q'], dest);
    if (s.code !== 0) throw failed(spec, 'submodule update', s);
  }
  let dir = dest;
  if (spec.subdirectory) {
    dir = join(dest, ...spec.subdirectory.split('/'));
    if (!dir.startsWith(dest + sep) || !isDir(dir)) {
      throw new VenvkitError('VCS_FAILED', `${spec.original}: the repository has no directory ${spec.subdirectory} at ${commitId.slice(0, 12)}`, {
        hint: 'Check #subdirectory= against the repository at that revision.',
      });
    }
  }
  return { dir, root: dest, commitId, ...(spec.rev !== undefined ? { requestedRevision: spec.rev } : {}) };
}

/** After a full (partial) clone: a branch, a tag, a commit (short or full), else fetch a full hash or a ref, as pip does. */
async function checkoutRev(spec: VcsSpec, rev: string, dest: string, git: (a: string[], c?: string) => Promise<GitResult>, firstFailure?: GitResult): Promise<void> {
  for (const ref of [`refs/remotes/origin/${rev}`, `refs/tags/${rev}`]) {
    const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], dest);
    if (r.code === 0) {
      const c = await git(['checkout', '-q', '--detach', r.stdout.trim()], dest);
      if (c.code !== 0) throw failed(spec, 'checkout', c);
      return;
    }
  }
  const asCommit = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], dest);
  if (asCommit.code === 0) {
    const c = await git(['checkout', '-q', '--detach', asCommit.stdout.trim()], dest);
    if (c.code !== 0) throw failed(spec, 'checkout', c);
    return;
  }
  if (fullHash(rev) || rev.startsWith('refs/')) {
    const f = await git(['fetch', '-q', '--', spec.url, rev], dest);
    if (f.code === 0) {
      const c = await git(['checkout', '-q', '--detach', 'FETCH_HEAD'], dest);
      if (c.code !== 0) throw failed(spec, 'checkout', c);
      return;
    }
    throw failed(spec, 'fetch', f);
  }
  // Not a branch, tag or commit: let git say so in its own words.
  const c = await git(['checkout', '-q', '--end-of-options', rev], dest);
  if (c.code === 0) return;
  throw failed(spec, 'checkout', firstFailure ?? c);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

interface GitResult { code: number | null; stdout: string; output: string }

function failed(spec: VcsSpec, step: string, r: GitResult): VenvkitError {
  const lines = r.output.trim().split('\n').filter((l) => l.trim()).slice(-15);
  const what = spec.rev ? `${spec.url} at ${spec.rev}` : spec.url;
  return new VenvkitError('VCS_FAILED', `git ${step} of ${what} failed:\n${lines.map((l) => `  ${l}`).join('\n') || `  (exit status ${r.code})`}`, {
    hint: /not found in upstream|did not match any|unknown revision|not our ref|couldn't find remote ref/i.test(r.output)
      ? 'The revision after @ does not exist in that repository: check the branch, tag or commit name.'
      : 'Check that the URL is right and the repository can be reached (git asks for no password: use a credential helper or an SSH key).',
  });
}

function runGit(args: string[], cwd: string | undefined, options: CheckoutOptions): Promise<GitResult> {
  const { signal } = options;
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0' };
  // A caller's repository must not leak into ours.
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_CEILING_DIRECTORIES']) delete env[k];
  const full = ['-c', 'protocol.ext.allow=never', ...args];
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) return reject(interrupted());
    const detached = process.platform !== 'win32';
    const child = spawn(options.git ?? 'git', full, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached });
    let stdout = '';
    let output = '';
    const take = (toStdout: boolean) => (d: Buffer) => {
      const s = d.toString('utf8');
      if (toStdout) stdout += s;
      output += s;
      if (options.onOutput) for (const l of s.split('\n')) if (l.trim()) options.onOutput(l);
    };
    child.stdout.on('data', take(true));
    child.stderr.on('data', take(false));
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      try {
        if (detached && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT'
        ? new VenvkitError('VCS_FAILED', `git is not installed (needed for ${args[0] === 'clone' ? args[args.length - 2] : 'a VCS requirement'})`, { hint: 'Install git, or install a wheel or an sdist of the project instead.' })
        : e);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (aborted) reject(interrupted());
      else resolvePromise({ code, stdout, output });
    });
  });
}

function interrupted(): VenvkitError {
  return new VenvkitError('INTERRUPTED', 'Interrupted: the git checkout was stopped and removed', { exitCode: 130 });
}

export interface VcsDirectUrl {
  url: string;
  vcs_info: { vcs: 'git'; commit_id: string; requested_revision?: string };
  subdirectory?: string;
}

/**
 * PEP 610 direct_url.json for a VCS install, as pip writes it: the clone URL without credentials
 * (a `git` user and `${VAR}` credentials are kept), the commit, the revision asked for, and the
 * subdirectory.
 */
export function directUrlForVcs(spec: VcsSpec, commitId: string): VcsDirectUrl {
  return {
    url: stripCredentials(spec.url),
    vcs_info: { vcs: 'git', commit_id: commitId, ...(spec.rev !== undefined ? { requested_revision: spec.rev } : {}) },
    ...(spec.subdirectory ? { subdirectory: spec.subdirectory } : {}),
  };
}

function stripCredentials(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!m) return url; // scp-like git@host:path
  const at = m[2]!.indexOf('@');
  if (at === -1) return url;
  const userinfo = m[2]!.slice(0, at);
  if (userinfo === 'git' || /^\$\{[A-Za-z0-9-_]+\}(:\$\{[A-Za-z0-9-_]+\})?$/.test(userinfo)) return url;
  return m[1]! + m[2]!.slice(at + 1) + m[3]!;
}
