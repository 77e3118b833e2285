// One progress event type for every long call (createVenv, seeding, listPythons/findPython and
// their probes, findEnvironments, installRequirements, installWheel(s), uninstall, sync,
// buildDistributions and the builds inside installs). Each event says which
// `phase` it is about, `name`s the thing (a package, an interpreter, an env), and counts what is
// done of the phase's `total` (absent while unknown); downloads add `bytes`. Hosts take the
// `onProgress` option of any of these calls; the CLI's progress line is drawn from the same events.

/** How far a phase is: `done` of `total` (its unit is the phase's: packages, files, interpreters...). */
interface Count {
  /** What the event is about (a package's name, an interpreter's path, an env's root). */
  name: string;
  done: number;
  /** Absent while unknown (findPython probes candidates one by one until one matches). */
  total?: number;
}

export type ProgressEvent =
  /**
   * listPythons/findPython: interpreters to look at were found on PATH, pyenv, ... (`done`: found so far).
   * findEnvironments: one place was searched (`name` is its source: workspace, conda, ...; `done` of `total` places; `found`: environments so far).
   */
  | ({ phase: 'discover'; found?: number } & Count)
  /** An interpreter's facts were read: from the probe cache (`cached`), or by running it. `done`: probes finished. */
  | ({ phase: 'probe'; cached: boolean } & Count)
  /** createVenv: `name` is the env's root; steps: 1 interpreter found, 2 layout staged, 3 seeded, 4 in place. */
  | ({ phase: 'create'; step: 'interpreter' | 'staged' | 'seeded' | 'done' } & Count)
  /** Seeding pip (and setuptools): `name` is the package placed; `done` of `total` packages. */
  | ({ phase: 'seed' } & Count)
  /** Another process holds the env's lock (`pid`) and this call waits for it; `name` is the env's root. */
  | ({ phase: 'wait'; pid: number } & Count)
  /** Resolution: `done` is 0 when it starts and the number of packages chosen when it ends (then `total` too). */
  | ({ phase: 'resolve'; ms?: number } & Count)
  /** A file arriving: `bytes` of `totalBytes` of package `name`; `done` of `total` files fetched so far. Also for file:// (one event, all bytes). */
  | ({ phase: 'download'; bytes: number; totalBytes?: number; allBytes: number } & Count)
  /** A wheel unpacked (or found unpacked in the cache): `done` of `total` wheels. */
  | ({ phase: 'unpack' } & Count)
  /**
   * A PEP 517 build. `step`: `sources` local projects to build (`total` of them); `started` a
   * distribution's build begins (`name` the project, `backend`, `detail` the kind: wheel, editable,
   * sdist; `done` 0 of 1); `build-env` its build env (`name` the requirements, `detail` made or
   * reused); `hook` a backend hook runs (`detail` its name); `built` the distribution is finished
   * (`detail` the file, `ms`, `cached` when taken from the built-wheel cache; `done` 1 of 1).
   */
  | ({ phase: 'build'; step: 'sources' | 'started' | 'build-env' | 'hook' | 'built'; detail?: string; backend?: string; ms?: number; cached?: boolean } & Count)
  /** Placing files into the env: `stage` counts packages staged, `commit` the file moves done (of `total`). */
  | ({ phase: 'install'; step: 'stage' | 'commit' } & Count)
  /** uninstall: `done` of `total` file moves of distribution `name`. */
  | ({ phase: 'uninstall' } & Count);

export type ProgressPhase = ProgressEvent['phase'];
export type ProgressListener = (event: ProgressEvent) => void;
