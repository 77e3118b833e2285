// The commit journal: before the first file of an install or uninstall moves, the whole list of
// moves (env file -> backup in the stage, staged file -> env) is written to `<stage>/journal.json`
// and fsynced. A process killed in the middle leaves the journal behind, and the next venvkit
// command that touches the env (under its lock) finishes the transaction: forward when every move
// was done (then only empty directories were left to prune), else back, move by move in reverse.
// Every move is one rename, so which moves were done is read off the stage itself: a backup exists
// in stage/old once its move was done, a staged path is gone from stage/new once it moved in.
// Recovery only renames and is repeatable, so a kill during recovery is recovered the next time.
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { JOURNAL_NAME, STAGE_PREFIX } from './reserved.js';

/** One rename, paths relative to the env root. `aside`: env -> stage/old; `in`: stage/new -> env. */
export interface Move {
  kind: 'aside' | 'in';
  from: string;
  to: string;
}

export interface Journal {
  version: 1;
  /** What the transaction was (for messages): "install", "uninstall". */
  op: string;
  moves: Move[];
  /** Directories (relative) to remove once empty after the moves, never past one of `keep`. */
  prune: string[];
  keep: string[];
}

export interface Recovered {
  /** The stage directory's name. */
  stage: string;
  op: string;
  action: 'rolled back' | 'completed';
  /** Moves undone (rolled back) or found done (completed). */
  moves: number;
}

const abs = (root: string, rel: string) => (rel === '' ? root : join(root, ...rel.split('/')));

export const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not possible on every platform (Windows); the file itself was synced */
  }
}

/** node:fs/promises, loaded when first needed (a seed or a warm create commits no transaction). */
const fsPromises = () => import('node:fs/promises');

async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const fh = await (await fsPromises()).open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* as fsyncDir */
  }
}

/**
 * Write the journal into `stage` atomically and durably (temp file, fsync, rename, fsync the dir),
 * off the calling thread: the caller starts the first move only once this has resolved.
 */
export async function writeJournal(stage: string, journal: Journal): Promise<void> {
  const tmp = join(stage, `${JOURNAL_NAME}.tmp`);
  const { open, rename } = await fsPromises();
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(journal));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(stage, JOURNAL_NAME));
  await fsyncDirAsync(stage);
}

/** The journal is gone: the transaction is resolved (what is left in the stage is garbage). */
export async function resolveJournal(stage: string): Promise<void> {
  try {
    await (await fsPromises()).unlink(join(stage, JOURNAL_NAME));
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  await fsyncDirAsync(stage);
}

/** resolveJournal, on the calling thread (recovery, which runs before anything else). */
function resolveJournalSync(stage: string): void {
  try {
    unlinkSync(join(stage, JOURNAL_NAME));
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  fsyncDir(stage);
}

/** Names of the stage directories in the env root (live, interrupted or garbage). */
export function stageNames(root: string): string[] {
  try {
    return readdirSync(root).filter((n) => n.startsWith(STAGE_PREFIX));
  } catch {
    return [];
  }
}

/** Whether the env has a transaction that was interrupted (or is running right now in another process). */
export function hasJournal(root: string): boolean {
  return stageNames(root).some((n) => exists(join(root, n, JOURNAL_NAME)));
}

const cleanRel = (p: unknown): p is string =>
  typeof p === 'string' && p !== '' && !posix.isAbsolute(p) && !p.includes('\\') && !p.includes('\0') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');

function damaged(root: string, stage: string, why: string): VenvkitError {
  return new VenvkitError('TXN_INTERRUPTED', `${root} has an interrupted install or uninstall whose journal (${join(root, stage, JOURNAL_NAME)}) cannot be used: ${why}`, {
    hint: `Look at ${join(root, stage)} (old/ holds the files moved out, new/ the files not yet moved in), put back what belongs in the environment, then delete it; or recreate the environment.`,
  });
}

/** Read and check a stage's journal: every path relative, inside the env, backups and staged files inside this stage. */
function readJournal(root: string, stage: string): Journal {
  let j: Journal;
  try {
    j = JSON.parse(readFileSync(join(root, stage, JOURNAL_NAME), 'utf8')) as Journal;
  } catch (e) {
    throw damaged(root, stage, (e as Error).message);
  }
  const inStage = (p: string) => p.startsWith(`${stage}/`);
  const ok = j && j.version === 1 && Array.isArray(j.moves) && Array.isArray(j.prune) && Array.isArray(j.keep)
    && j.moves.every((m) => m && cleanRel(m.from) && cleanRel(m.to) && (m.kind === 'aside' ? !inStage(m.from) && m.to.startsWith(`${stage}/old/`) : m.kind === 'in' && m.from.startsWith(`${stage}/new/`) && !inStage(m.to)))
    && j.prune.every(cleanRel) && j.keep.every((k) => k === '' || cleanRel(k));
  if (!ok) throw damaged(root, stage, 'it is not a journal this venvkit wrote');
  return j;
}

/** Whether a move was done, read off the stage (see the module comment). */
const isDone = (root: string, m: Move) => (m.kind === 'aside' ? exists(abs(root, m.to)) : !exists(abs(root, m.from)));

/** Undo `moves` (all done), last first. */
export function undoMoves(root: string, moves: Move[]): void {
  for (let i = moves.length - 1; i >= 0; i--) renameSync(abs(root, moves[i]!.to), abs(root, moves[i]!.from));
}

/** Remove `dirs` and their parents while they are empty, stopping at (and keeping) any of `keep`. */
export function pruneEmptyDirs(dirs: string[], keep: string[]): void {
  const keepSet = new Set(keep);
  const sorted = [...new Set(dirs)].sort((a, b) => b.length - a.length);
  for (let d of sorted) {
    while (!keepSet.has(d) && d !== dirname(d) && keep.some((k) => d.startsWith(k + '/'))) {
      try {
        rmdirSync(d);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') break;
      }
      d = dirname(d);
    }
  }
}

/** Finish one journaled stage: forward when every move was done, else back. The caller holds the env lock. */
function recoverStage(root: string, stage: string): Recovered {
  const j = readJournal(root, stage);
  const done = j.moves.map((m) => isDone(root, m));
  const k = done.indexOf(false) === -1 ? done.length : done.indexOf(false);
  if (done.slice(k).some(Boolean)) throw damaged(root, stage, `move ${k + 1} of ${j.moves.length} was not done but a later one was (was the environment changed by hand?)`);
  if (k === j.moves.length) {
    pruneEmptyDirs(j.prune.map((d) => abs(root, d)), j.keep.map((d) => abs(root, d)));
    resolveJournalSync(join(root, stage));
    return { stage, op: j.op, action: 'completed', moves: k };
  }
  undoMoves(root, j.moves.slice(0, k));
  resolveJournalSync(join(root, stage));
  return { stage, op: j.op, action: 'rolled back', moves: k };
}

/**
 * Finish every transaction a killed venvkit left in the env at `root`, and remove every stage
 * directory (the caller holds the env lock, so none is in use). Returns what was finished.
 */
export function recoverEnv(root: string): Recovered[] {
  const out: Recovered[] = [];
  for (const stage of stageNames(root)) {
    if (exists(join(root, stage, JOURNAL_NAME))) out.push(recoverStage(root, stage));
    rmSync(join(root, stage), { recursive: true, force: true });
  }
  return out;
}

/** One line for people about a finished transaction. */
export function describeRecovery(root: string, r: Recovered): string {
  return r.action === 'completed'
    ? `finished an interrupted ${r.op} in ${root} (all ${r.moves} file moves had been done)`
    : `rolled back an interrupted ${r.op} in ${root} (${r.moves} file move${r.moves === 1 ? '' : 's'} undone; the environment is as it was before)`;
}

/** Whether `path` is a directory (following links). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
