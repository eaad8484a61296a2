// Membership of u32 ids met while scanning a column (is this trajectory/group id new?).
// Ids in a batch are usually dense, so a byte map over [min, max] replaces a Set and its
// per-insert cost; sparse ids (global ids in a small chunk) fall back to a Set.
export class SeenIds {
  private readonly min: number;
  private readonly map: Uint8Array | undefined;
  private readonly set: Set<number> | undefined;

  constructor(ids: Uint32Array) {
    const [min, max] = range(ids);
    this.min = min;
    if (ids.length > 0 && max - min < 4 * ids.length + 1024) this.map = new Uint8Array(max - min + 1);
    else this.set = new Set();
  }

  /** Marks `id` as seen; returns false if it already was. */
  add(id: number): boolean {
    if (this.map) {
      const k = id - this.min;
      if (this.map[k]) return false;
      this.map[k] = 1;
      return true;
    }
    if (this.set!.has(id)) return false;
    this.set!.add(id);
    return true;
  }
}

function range(ids: Uint32Array): [number, number] {
  let min = 0xffffffff;
  let max = 0;
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}
