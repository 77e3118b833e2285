// A row's floor columns (pure): the floor side's label and times, and venvkit's median as a
// multiple of the floor's ("venvkit / floor"), or why there is none.
import { summarize } from './stats.mjs';

/** Past this many times its floor, a row must say what stands in the way. */
export const FLOOR_LIMIT = 2;

/**
 * row: the task's row ({ floor: side key, floorWhy: what stands between venvkit and the floor });
 * a, f: runner state of venvkit's side and the floor's side ({ side, status, message, times }).
 */
export function floorFields(row, a, f) {
  if (!row.floor || !f) return { floorLabel: null, floor: null, floorRatio: null, floorNote: '', floorWhy: row.floorWhy ?? '' };
  const floor = f.status === 'ok' ? summarize(f.times) : null;
  const vk = a.status === 'ok' ? summarize(a.times) : null;
  const floorNote = f.status === 'ok' ? '' : f.status === 'check' ? `void: ${f.message}` : `${f.status}: ${f.message}`;
  return {
    floorLabel: f.side.label, floor, floorNote, floorWhy: row.floorWhy ?? '',
    floorRatio: vk && floor && floor.median > 0 ? vk.median / floor.median : null,
  };
}

/** "3.2x the floor" style text for a ratio venvkit / floor. */
export function formatFloorRatio(x) {
  if (x == null || !Number.isFinite(x)) return '–';
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}
