// A ragged UTF-8 column written row by row as rows are recorded (in any order), instead of
// keeping each row's text as a JS string until the batch is built: the bytes go into one
// growing buffer, row r is data[start[r] .. end[r]), and pack() lays the rows out in the
// batch's order. A row is the bytes appended since the previous endRow().
import type { RaggedText } from '../io/step-batch.js';

export class TextColumn {
  private data: Buffer;
  private used = 0;
  private rowStart = 0;
  private readonly start: Uint32Array;
  private readonly end: Uint32Array;

  /** `rows`: the most rows the column will hold. */
  constructor(rows: number, initialBytes = 1 << 16) {
    this.start = new Uint32Array(rows);
    this.end = new Uint32Array(rows);
    this.data = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Appends bytes to the row being written. */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.data.set(b, this.used);
    this.used += b.length;
  }

  /** Appends a string's UTF-8 to the row being written. */
  text(s: string): void {
    this.reserve(3 * s.length); // a UTF-16 code unit is at most 3 bytes of UTF-8
    this.used += this.data.write(s, this.used, 'utf8');
  }

  /**
   * Appends JSON.stringify(s) without its quotes, as UTF-8 (a JSON string's escaped content):
   * printable ASCII is escaped here byte by byte, the rest from the first other character on by
   * JSON.stringify itself.
   */
  jsonContent(s: string): void {
    this.reserve(2 * s.length); // escaped ASCII: at most 2 bytes per character
    const d = this.data;
    let at = this.used;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x20 && c < 0x7f) {
        if (c === 0x22 || c === 0x5c) d[at++] = 0x5c; // \" and \\
        d[at++] = c;
      } else if (c === 10) {
        d[at++] = 0x5c; // \n: the line breaks of a grid observation
        d[at++] = 0x6e;
      } else {
        this.used = at;
        this.text(JSON.stringify(k === 0 ? s : s.slice(k)).slice(1, -1));
        return;
      }
    }
    this.used = at;
  }

  /** Ends the row being written as row r (no bytes appended: an empty row). */
  endRow(r: number): void {
    this.start[r] = this.rowStart;
    this.end[r] = this.used;
    this.rowStart = this.used;
  }

  /** Rows order[0], order[1], ... as one ragged column. */
  pack(order: Uint32Array): RaggedText {
    const offsets = new Uint32Array(order.length + 1);
    let total = 0;
    for (let k = 0; k < order.length; k++) offsets[k + 1] = total += this.end[order[k]] - this.start[order[k]];
    const data = new Uint8Array(total);
    for (let k = 0; k < order.length; k++) {
      const r = order[k];
      data.set(this.data.subarray(this.start[r], this.end[r]), offsets[k]);
    }
    return { offsets, data };
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.used + bytes) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    next.set(this.data.subarray(0, this.used));
    this.data = next;
  }
}
