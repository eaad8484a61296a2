// Finding a repeated id in a list of u32 ids (a trajectory or group id that starts twice,
// so its rows are not contiguous). Ids in a batch are usually dense, so a byte map over
// [min, max] does it in one pass; sparse ids (global ids in a small chunk) are sorted.

/** Index of the first id equal to an earlier one, or -1. */
export function firstRepeat(ids: Uint32Array): number {
  if (ids.length < 2) return -1;
  let min = 0xffffffff;
  let max = 0;
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max - min < 8 * ids.length + 1024) return firstRepeatDense(ids, min, max);
  const sorted = ids.slice().sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return firstRepeatSlow(ids);
  return -1;
}

function firstRepeatDense(ids: Uint32Array, min: number, max: number): number {
  const seen = new Uint8Array(max - min + 1);
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i] - min;
    if (seen[k] !== 0) return i;
    seen[k] = 1;
  }
  return -1;
}

/** The error path only: which one repeats first, in list order. */
function firstRepeatSlow(ids: Uint32Array): number {
  const seen = new Set<number>();
  for (let i = 0; i < ids.length; i++) {
    if (seen.has(ids[i])) return i;
    seen.add(ids[i]);
  }
  return -1;
}
