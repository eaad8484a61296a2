// A plain-TypeScript Sokoban reference for the tests: a level parser and a breadth-first
// search over (player, boxes) states that counts player moves. Written independently of
// the native solver (no push graph, no heuristic, no pruning), so agreeing move counts
// are a real cross-check of optimality.

export interface ReferenceLevel {
  width: number;
  height: number;
  walls: Uint8Array;
  targets: Uint8Array;
  boxes: number[];
  player: number;
}

export function parseReferenceLevel(text: string): ReferenceLevel {
  const rows = text.split('\n');
  const height = rows.length;
  const width = rows[0].length;
  const walls = new Uint8Array(width * height);
  const targets = new Uint8Array(width * height);
  const boxes: number[] = [];
  let player = -1;
  rows.forEach((row, r) => {
    if (row.length !== width) throw new Error(`reference: row ${r} is not ${width} wide`);
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const ch = row[c];
      if (ch === '#') walls[i] = 1;
      if (ch === '.' || ch === '*' || ch === '+') targets[i] = 1;
      if (ch === '$' || ch === '*') boxes.push(i);
      if (ch === '@' || ch === '+') player = i;
    }
  });
  return { width, height, walls, targets, boxes, player };
}

/** Fewest moves that solve the level, or null when it cannot be solved. Throws past `maxStates`. */
export function shortestMoves(text: string, maxStates = 2_000_000): number | null {
  const level = parseReferenceLevel(text);
  const offsets = [-level.width, level.width, -1, 1];
  const solved = (boxes: number[]) => boxes.every((b) => level.targets[b] === 1);
  if (solved(level.boxes)) return 0;
  const keyOf = (player: number, boxes: number[]) => player + ':' + [...boxes].sort((a, b) => a - b).join(',');
  const seen = new Set<string>([keyOf(level.player, level.boxes)]);
  let frontier: Array<{ player: number; boxes: number[] }> = [{ player: level.player, boxes: level.boxes }];
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const { player, boxes } of frontier) {
      for (const d of offsets) {
        const to = player + d;
        if (level.walls[to]) continue;
        let moved = boxes;
        const hit = boxes.indexOf(to);
        if (hit >= 0) {
          const beyond = to + d;
          if (level.walls[beyond] || boxes.includes(beyond)) continue;
          moved = boxes.slice();
          moved[hit] = beyond;
        }
        const key = keyOf(to, moved);
        if (seen.has(key)) continue;
        if (hit >= 0 && solved(moved)) return depth;
        seen.add(key);
        if (seen.size > maxStates) throw new Error(`reference BFS: more than ${maxStates} states`);
        next.push({ player: to, boxes: moved });
      }
    }
    frontier = next;
  }
  return null;
}

/** Plays `actions` (0 up, 1 down, 2 left, 3 right) by the rules; true when it ends solved. */
export function replaySolves(text: string, actions: ArrayLike<number>): boolean {
  const level = parseReferenceLevel(text);
  const offsets = [-level.width, level.width, -1, 1];
  let player = level.player;
  const boxes = level.boxes.slice();
  for (let k = 0; k < actions.length; k++) {
    const d = offsets[actions[k]];
    const to = player + d;
    if (level.walls[to]) continue;
    const hit = boxes.indexOf(to);
    if (hit >= 0) {
      if (level.walls[to + d] || boxes.includes(to + d)) continue;
      boxes[hit] = to + d;
    }
    player = to;
  }
  return boxes.every((b) => level.targets[b] === 1);
}
