// Real shells and real environments for the activation tests.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { venvkit } from './cli.js';

/**
 * Programs CI installs: missing one there is a failure, not a skip. The shells come from Debian;
 * nushell (no Debian package) from scripts/test-tools.sh into .tools/bin, which test/run.mjs puts
 * first on PATH.
 */
const CI_SHELLS = new Set(['bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'tcsh', 'csh', 'tmux', 'nu']);
/** How to get a program that is not a Debian package. */
const INSTALL_HINT: Record<string, string> = { nu: 'run `bash scripts/test-tools.sh` to install it into .tools/bin' };

export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The shell's path, or undefined after skipping the test with the reason (a failure in CI for shells CI installs). */
export function needProgram(t: TestContext, name: string): string | undefined {
  const p = which(name);
  if (p) return p;
  const reason = `${name} is not installed` + (INSTALL_HINT[name] ? ` (${INSTALL_HINT[name]})` : '');
  if (process.env.CI === 'true' && CI_SHELLS.has(name)) throw new Error(`${reason}, but CI installs it (.ci/run)`);
  console.log(`# skip: ${reason}`);
  t.skip(reason);
  return undefined;
}

/**
 * A directory name full of characters shells treat specially. Each command-substitution form would
 * create a file named PWNED* in the working directory if any shell ever ran it.
 */
export const HOSTILE_NAME = "a b'c\"d$e`touch PWNED1`f$(touch PWNED2)g;touch PWNED3;h&i|j!k%l\\m!!-%n-${x}-é-🐍";

/**
 * A nushell raw string literal (r#'...'#, nushell 0.9x and later) for any text: the test's own
 * quoting, independent of the activator's.
 */
export function nuRaw(text: string): string {
  let hashes = '#';
  while (text.includes(`'${hashes}`)) hashes += '#';
  return `r${hashes}'${text}'${hashes}`;
}

/** Files named PWNED* anywhere under dir (the proof that something ran). */
export function sentinels(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('PWNED')) found.push(join(d, e.name));
      if (e.isDirectory() && !e.isSymbolicLink()) walk(join(d, e.name));
    }
  };
  walk(dir);
  return found;
}

/** A real CPython 3 interpreter (not a pyenv shim). */
export function python3(): string {
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '/root', '.pyenv');
  for (const v of ['3.12.1', '3.11.7', '3.13.0', '3.10.13']) {
    const p = join(root, 'versions', v, 'bin', `python${v.split('.').slice(0, 2).join('.')}`);
    if (existsSync(p)) return p;
  }
  const sys = which('python3');
  if (sys) return sys;
  throw new Error('no CPython 3 interpreter found for the activation tests');
}

export interface Sandbox {
  dir: string;
  /** Environment for child processes: a small, fixed PATH and a private HOME and cache. */
  env: Record<string, string>;
  cleanup(): void;
}

export function sandbox(prefix: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  // An interactive fish starts generating completions from man pages in the background (slow,
  // and it writes into HOME while the test removes it) unless this directory exists.
  mkdirSync(join(home, '.local', 'share', 'fish', 'generated_completions'), { recursive: true });
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TERM: 'xterm-256color',
    VENVKIT_CACHE_DIR: join(dir, 'cache'),
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }) };
}

/** Create an environment with the real CLI (no pip: activation does not need it). */
export function createEnv(box: Sandbox, name: string, extra: string[] = []): string {
  const r = venvkit(['create', '-q', '--without-pip', '--python', python3(), ...extra, name], { cwd: box.dir, env: box.env });
  if (r.status !== 0) throw new Error(`venvkit create failed (${r.status}): ${r.stderr}`);
  return join(box.dir, name);
}

/** The sandbox of a shell test file, and an env in it named HOSTILE_NAME. */
export interface EnvFixture {
  box: Sandbox;
  envDir: string;
}

/**
 * Makes the fixture before the file's tests (then `setup`, e.g. writing start-up files into
 * box.env.HOME) and removes it after them. The returned object is filled in by then.
 */
export function envFixture(prefix: string, setup: (fx: EnvFixture) => void = () => {}): EnvFixture {
  const fx = {} as EnvFixture;
  before(() => {
    fx.box = sandbox(prefix);
    fx.envDir = createEnv(fx.box, HOSTILE_NAME);
    setup(fx);
  });
  after(() => fx.box?.cleanup());
  return fx;
}

/** An EnvFixture with another env to switch to ("other env", prompt "other"). */
export interface ActivationFixture extends EnvFixture {
  otherDir: string;
}

export function activationFixture(prefix: string, setup: (fx: ActivationFixture) => void = () => {}): ActivationFixture {
  return envFixture(prefix, (fx) => {
    const withOther = fx as ActivationFixture;
    withOther.otherDir = createEnv(fx.box, 'other env', ['--prompt', 'other']);
    setup(withOther);
  }) as ActivationFixture;
}

/**
 * What every driver script reports alike about PATH: after activating (PATH1), again (PATH2) and
 * after switching to the other env (PATH3, and its python found as python3).
 */
export function assertSwitched(f: Record<string, string>, fx: ActivationFixture, read: (path: string) => string = (x) => x): void {
  const { box, envDir, otherDir } = fx;
  assert.equal(f.PATH1, `${join(envDir, 'bin')}:${box.env.PATH}`);
  assert.equal(f.PATH2, f.PATH1, 'activating twice adds nothing twice');
  assert.equal(f.switched, otherDir);
  assert.equal(f.PATH3, `${join(otherDir, 'bin')}:${box.env.PATH}`, 'switching leaves the first env');
  assert.equal(read(f.python3 ?? ''), join(otherDir, 'bin', 'python'));
}

/** The state the driver recorded after deactivate is the one before (`same`), and nothing ran. */
export function assertRestored(f: Record<string, string>, fx: ActivationFixture): void {
  const dir = fx.box.dir;
  const diff = f.same === 'yes' ? '' : `\n--- before\n${readFileSync(join(dir, 'before.txt'), 'utf8')}\n--- after\n${readFileSync(join(dir, 'after.txt'), 'utf8')}`;
  assert.equal(f.same, 'yes', `the state after deactivate differs from before${diff}`);
  assert.deepEqual(sentinels(dir), []);
}

export interface Run { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Parse `KEY=value` lines a test script printed (the last one of a key wins). */
export function fields(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^@@([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** A private tmux server (its own socket, no config) running one window: what a person would see. */
export class Tmux {
  private static count = 0;
  private readonly socket: string;
  constructor(
    private readonly tmux: string,
    dir: string,
    private readonly env: Record<string, string>,
  ) {
    this.socket = join(dir, `tmux-${++Tmux.count}.sock`);
  }

  private tm(args: string[]): string {
    const r = spawnSync(this.tmux, ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: this.env });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Start `argv` (run directly, no shell in between) in a wide window. */
  start(argv: string[], cwd: string): void {
    this.tm(['new-session', '-d', '-s', 't', '-x', '220', '-y', '50', '-c', cwd, '--', ...argv]);
  }

  /** Type a line and press Enter. */
  type(line: string): void {
    this.tm(['send-keys', '-t', 't', '-l', line]);
    this.tm(['send-keys', '-t', 't', 'Enter']);
  }

  /** Press a key (tmux key name, e.g. C-c). */
  key(name: string): void {
    this.tm(['send-keys', '-t', 't', name]);
  }

  screen(): string {
    return this.tm(['capture-pane', '-p', '-J', '-t', 't']);
  }

  /** Wait until the screen matches; returns it (throws with the screen on timeout). */
  async waitFor(test: (screen: string) => boolean, what: string, ms = 10_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    spawnSync(this.tmux, ['-S', this.socket, 'kill-server'], { env: this.env });
  }
}
