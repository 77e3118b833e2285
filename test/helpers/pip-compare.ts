// The set-up the tests comparing `venvkit install` with pip 26.2 share: a scratch directory, an
// environment without this machine's pip configuration or proxies, venvkit and pip run the same way,
// and what each would install (a dry run's JSON, pip's --report) as sorted name==version lists.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { venvkitAsync } from './cli.js';
import { realPip, type RealPip } from './real-pip.js';
import { buildWheel } from './wheels.js';

type Result = { status: number | null; stdout: string; stderr: string };

export interface PipCompare {
  /** The scratch directory (the runs' working directory). */
  tmp: string;
  /** cleanEnv() as made at the start. */
  env: NodeJS.ProcessEnv;
  /** Without pip's configuration, proxies or VIRTUAL_ENV from this machine: every run names its index. */
  cleanEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** The env `wouldInstall` dry-runs against: set it in the test file's before(). */
  envDir: string;
  vk(args: string[], e?: NodeJS.ProcessEnv): Promise<Result>;
  /** What a dry run of `venvkit install --env envDir` would install, as name==version, sorted. */
  wouldInstall(args: string[], e?: NodeJS.ProcessEnv): Promise<string[]>;
  /** pip 26.2 in its own venv (made once per file), or undefined after skipping `t`. */
  pip(t: TestContext): RealPip | undefined;
  /** `python -m pip ARGS` in that venv, without blocking the event loop (a served index answers). */
  pipRun(p: RealPip, args: string[], e?: NodeJS.ProcessEnv): Promise<Result>;
  /** What pip 26.2 would install (its --report), as name==version, sorted. */
  pipWouldInstall(p: RealPip, args: string[], e?: NodeJS.ProcessEnv): Promise<string[]>;
  /**
   * pipRun (['run', ARGS]) and pipWouldInstall (['would', ARGS]) calls in turn, all in one python
   * process (RealPip.pipManyAsync: pip is started and imported once, not per call): each call's
   * result; a would-install's exit status is asserted 0, as pipWouldInstall does, and `installed`
   * is its list (empty for a run).
   */
  pipCalls(p: RealPip, calls: ['run' | 'would', string[]][], e?: NodeJS.ProcessEnv): Promise<(Result & { installed: string[] })[]>;
  /**
   * Each case: install's arguments and what both would install (or 'fails'); venvkit's runs first,
   * then pip's, all in one python process (RealPip.pipManyAsync).
   */
  compare(t: TestContext, cases: [string[], string[] | 'fails'][], e?: NodeJS.ProcessEnv): Promise<void>;
}

/** A wheel of `name` `version` in `dir` whose module records its version. */
export function versionWheel(dir: string, name: string, version: string, requires: string[] = [], requiresPython?: string, tag?: string): void {
  buildWheel(dir, {
    name, version, files: { [`${name}/__init__.py`]: `VERSION = ${JSON.stringify(version)}\n` },
    metadata: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${requiresPython ? `Requires-Python: ${requiresPython}\n` : ''}${requires.map((r) => `Requires-Dist: ${r}\n`).join('')}`,
    ...(tag ? { tag } : {}),
  });
}

const installed = (report: string) => (JSON.parse(readFileSync(report, 'utf8')).install as { metadata: { name: string; version: string } }[]).map((i) => `${i.metadata.name}==${i.metadata.version}`).sort();

export function pipCompare(prefix: string): PipCompare {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  let pipEnv: RealPip | undefined;
  const c: PipCompare = {
    tmp,
    envDir: '',
    cleanEnv(extra = {}) {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^(PIP_|VIRTUAL_ENV$|(https?|all|no)_proxy$)/i.test(k)) env[k] = v;
      return {
        ...env, VENVKIT_CACHE_DIR: join(tmp, 'cache'), PIP_CONFIG_FILE: '/dev/null', PIP_CACHE_DIR: join(tmp, 'pip-cache'), PIP_DISABLE_PIP_VERSION_CHECK: '1',
        PIP_NO_INPUT: '1', XDG_CONFIG_HOME: join(tmp, 'xdg'), PYTHONUSERBASE: join(tmp, 'userbase'), ...extra,
      };
    },
    env: {},
    vk: (args, e = c.env) => venvkitAsync(args, { env: e, cwd: tmp }),
    async wouldInstall(args, e = c.env) {
      const r = await c.vk(['install', '--env', c.envDir, '--dry-run', '--json', ...args], e);
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout).installed as { name: string; version: string }[]).map((p) => `${p.name}==${p.version}`).sort();
    },
    pip(t) {
      pipEnv ??= realPip(t, join(tmp, 'pip'));
      return pipEnv;
    },
    pipRun: (p, args, e = c.env) => new Promise<Result>((res) => {
      const child = spawn(p.python, ['-m', 'pip', ...args], { env: e, cwd: tmp });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => res({ status, stdout, stderr }));
    }),
    async pipWouldInstall(p, args, e = c.env) {
      const report = join(tmp, `report-${Math.random()}.json`);
      const r = await c.pipRun(p, ['install', '--dry-run', '-q', '--report', report, ...args], e);
      assert.equal(r.status, 0, r.stderr);
      return installed(report);
    },
    async pipCalls(p, calls, e = c.env) {
      const reports = calls.map((_, i) => join(tmp, `report-${Math.random()}-${i}.json`));
      const results = await p.pipManyAsync(calls.map(([kind, args], i) => (kind === 'would' ? ['install', '--dry-run', '-q', '--report', reports[i]!, ...args] : args)), { env: e, cwd: tmp });
      return results.map((r, i) => {
        if (calls[i]![0] === 'run') return { ...r, installed: [] };
        assert.equal(r.status, 0, r.stderr);
        return { ...r, installed: installed(reports[i]!) };
      });
    },
    async compare(t, cases, e = c.env) {
      for (const [args, want] of cases) {
        if (want === 'fails') {
          const r = await c.vk(['install', '--env', c.envDir, '--dry-run', ...args], e);
          assert.notEqual(r.status, 0, `venvkit ${args.join(' ')}: ${r.stdout}`);
        } else assert.deepEqual(await c.wouldInstall(args, e), want, `venvkit ${args.join(' ')}`);
      }
      const p = c.pip(t);
      if (!p) return;
      const reports = cases.map((_, i) => join(tmp, `report-${Math.random()}-${i}.json`));
      const theirs = await p.pipManyAsync(cases.map(([args, want], i) => (want === 'fails' ? ['install', '--dry-run', ...args] : ['install', '--dry-run', '-q', '--report', reports[i]!, ...args])), { env: e, cwd: tmp });
      cases.forEach(([args, want], i) => {
        const r = theirs[i]!;
        if (want === 'fails') return assert.notEqual(r.status, 0, `pip ${args.join(' ')}`);
        assert.equal(r.status, 0, `pip ${args.join(' ')}: ${r.stderr}`);
        assert.deepEqual(installed(reports[i]!), want, `pip ${args.join(' ')}`);
      });
    },
  };
  c.env = c.cleanEnv();
  return c;
}
