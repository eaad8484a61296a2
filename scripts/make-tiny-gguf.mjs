#!/usr/bin/env node
// Writes a tiny random-weight llama-architecture model as a GGUF file (version 3), for tests
// and benchmarks that need a real inference engine without downloading a model:
// 2 blocks, width 64, 4 heads, feed-forward 192, a 392-token SentencePiece (SPM) vocabulary
// with the 256 byte-fallback tokens and ChatML's turn markers (and its chat template), all
// tensors F32 (~640 KB). The weights come from a
// seeded generator, so the same seed writes the same bytes.
//
//   node scripts/make-tiny-gguf.mjs OUT.gguf [--seed N]
//
// The layout follows the GGUF spec: header (magic, version, tensor and KV counts), metadata
// key/value pairs, tensor infos (name, dims innermost first, type, offset into the data
// section), padding to `general.alignment`, then the tensor data, each tensor aligned.
import { writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

// Metadata value types.
const T = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
};
const GGML_TYPE_F32 = 0;
// tokenizer.ggml.token_type values.
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

/** The model's shape; the defaults give ~157k parameters. */
export const TINY_MODEL = Object.freeze({
  vocabSize: 392,
  embedding: 64,
  blocks: 2,
  heads: 4,
  headsKv: 4,
  feedForward: 192,
  contextLength: 4096,
});

const SPACE = '\u2581'; // SPM's visible space

// Multi-character pieces whose prefixes chain by SPM's pairwise merges (each prefix is in the
// vocabulary), so the text an env prompt or an action uses most tokenizes into fewer tokens.
const WORDS = ['<action>', '</action>', `${SPACE}the`, 'up', 'down', 'left', 'right'];

/** ChatML turn markers, as control tokens: the model speaks the format most RL-tuned models use. */
export const CHATML_TOKENS = ['<|im_start|>', '<|im_end|>'];
const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The vocabulary: <unk>, <s>, </s>, the ChatML markers, 256 byte tokens, printable ASCII, then merged pieces. */
export function tinyVocabulary(size = TINY_MODEL.vocabSize) {
  const tokens = ['<unk>', '<s>', '</s>', ...CHATML_TOKENS];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL, TOKEN_CONTROL, TOKEN_CONTROL];
  const scores = [0, 0, 0, 0, 0];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
    scores.push(0);
  }
  const add = (piece, score) => {
    if (tokens.length >= size || tokens.includes(piece)) return;
    tokens.push(piece);
    types.push(TOKEN_NORMAL);
    scores.push(score);
  };
  add(SPACE, -1);
  for (let c = 33; c < 127; c++) add(String.fromCharCode(c), -2 - (c - 33) / 100);
  // Longer pieces score higher, so SPM merges them first.
  for (const word of WORDS) for (let n = 2; n <= word.length; n++) add(word.slice(0, n), -1 + n / 100);
  for (let a = 97; tokens.length < size; a++) {
    // Fill up with spaced lowercase letters ("▁a", "▁b", ...), then letter pairs.
    const piece =
      a <= 122
        ? SPACE + String.fromCharCode(a)
        : String.fromCharCode(97 + ((a - 123) % 26)) + String.fromCharCode(97 + Math.floor((a - 123) / 26));
    add(piece, -1.5);
  }
  return { tokens, types, scores };
}

/** splitmix32: small, seeded, good enough for weights. */
function generator(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  // Box-Muller normals.
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function tensors(model, seed) {
  const normal = generator(seed);
  const out = [];
  const matrix = (name, inner, outer, std) => {
    const data = new Float32Array(inner * outer);
    for (let i = 0; i < data.length; i++) data[i] = normal() * std;
    out.push({ name, dims: [inner, outer], data });
  };
  const ones = (name, n) => out.push({ name, dims: [n], data: new Float32Array(n).fill(1) });
  const { embedding: e, feedForward: f, vocabSize: v, heads, headsKv } = model;
  const kv = (e / heads) * headsKv;
  matrix('token_embd.weight', e, v, 1);
  for (let b = 0; b < model.blocks; b++) {
    ones(`blk.${b}.attn_norm.weight`, e);
    matrix(`blk.${b}.attn_q.weight`, e, e, 1 / Math.sqrt(e));
    matrix(`blk.${b}.attn_k.weight`, e, kv, 1 / Math.sqrt(e));
    matrix(`blk.${b}.attn_v.weight`, e, kv, 1 / Math.sqrt(e));
    matrix(`blk.${b}.attn_output.weight`, e, e, 1 / Math.sqrt(e));
    ones(`blk.${b}.ffn_norm.weight`, e);
    matrix(`blk.${b}.ffn_gate.weight`, e, f, 1 / Math.sqrt(e));
    matrix(`blk.${b}.ffn_up.weight`, e, f, 1 / Math.sqrt(e));
    matrix(`blk.${b}.ffn_down.weight`, f, e, 1 / Math.sqrt(f));
  }
  ones('output_norm.weight', e);
  // Logits of a few units' spread: sampling is neither uniform nor deterministic.
  matrix('output.weight', e, v, 2 / Math.sqrt(e));
  return out;
}

/** Little-endian byte writer that grows as needed. */
class Bytes {
  constructor() {
    this.buf = Buffer.alloc(1 << 16);
    this.len = 0;
  }
  room(n) {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v) {
    this.room(1);
    this.buf.writeUInt8(v, this.len);
    this.len += 1;
  }
  u32(v) {
    this.room(4);
    this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }
  i32(v) {
    this.room(4);
    this.buf.writeInt32LE(v, this.len);
    this.len += 4;
  }
  f32(v) {
    this.room(4);
    this.buf.writeFloatLE(v, this.len);
    this.len += 4;
  }
  u64(v) {
    this.room(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.len);
    this.len += 8;
  }
  str(s) {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.raw(b);
  }
  raw(b) {
    this.room(b.length);
    Buffer.from(b.buffer, b.byteOffset, b.byteLength).copy(this.buf, this.len);
    this.len += b.byteLength;
  }
  pad(alignment) {
    const n = (alignment - (this.len % alignment)) % alignment;
    this.room(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
  }
  bytes() {
    return this.buf.subarray(0, this.len);
  }
}

const kvWriters = {
  [T.UINT32]: (w, v) => w.u32(v),
  [T.INT32]: (w, v) => w.i32(v),
  [T.FLOAT32]: (w, v) => w.f32(v),
  [T.BOOL]: (w, v) => w.u8(v ? 1 : 0),
  [T.STRING]: (w, v) => w.str(v),
};

function writeKv(w, key, type, value, itemType) {
  w.str(key);
  w.u32(type);
  if (type === T.ARRAY) {
    w.u32(itemType);
    w.u64(value.length);
    for (const item of value) kvWriters[itemType](w, item);
  } else kvWriters[type](w, value);
}

/** The GGUF bytes of the tiny model for `seed`. */
export function tinyGgufBytes({ seed = 1 } = {}) {
  const m = TINY_MODEL;
  const vocab = tinyVocabulary(m.vocabSize);
  const metadata = [
    ['general.architecture', T.STRING, 'llama'],
    ['general.name', T.STRING, `gigpo-tiny-random-${seed}`],
    ['general.alignment', T.UINT32, ALIGNMENT],
    ['general.file_type', T.UINT32, 0], // all F32
    ['llama.context_length', T.UINT32, m.contextLength],
    ['llama.embedding_length', T.UINT32, m.embedding],
    ['llama.block_count', T.UINT32, m.blocks],
    ['llama.feed_forward_length', T.UINT32, m.feedForward],
    ['llama.rope.dimension_count', T.UINT32, m.embedding / m.heads],
    ['llama.attention.head_count', T.UINT32, m.heads],
    ['llama.attention.head_count_kv', T.UINT32, m.headsKv],
    ['llama.attention.layer_norm_rms_epsilon', T.FLOAT32, 1e-5],
    ['llama.vocab_size', T.UINT32, m.vocabSize],
    ['tokenizer.ggml.model', T.STRING, 'llama'],
    ['tokenizer.ggml.tokens', T.ARRAY, vocab.tokens, T.STRING],
    ['tokenizer.ggml.scores', T.ARRAY, vocab.scores, T.FLOAT32],
    ['tokenizer.ggml.token_type', T.ARRAY, vocab.types, T.INT32],
    ['tokenizer.ggml.unknown_token_id', T.UINT32, 0],
    ['tokenizer.ggml.bos_token_id', T.UINT32, 1],
    ['tokenizer.ggml.eos_token_id', T.UINT32, 2],
    ['tokenizer.ggml.add_bos_token', T.BOOL, true],
    ['tokenizer.ggml.add_eos_token', T.BOOL, false],
    // No "▁" before the first word of every piece of text (and after every special token).
    ['tokenizer.ggml.add_space_prefix', T.BOOL, false],
    ['tokenizer.chat_template', T.STRING, CHATML_TEMPLATE],
  ];
  const list = tensors(m, seed);

  const w = new Bytes();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(list.length);
  w.u64(metadata.length);
  for (const [key, type, value, itemType] of metadata) writeKv(w, key, type, value, itemType);
  let offset = 0;
  for (const t of list) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  w.pad(ALIGNMENT);
  for (const t of list) {
    w.raw(t.data);
    w.pad(ALIGNMENT);
  }
  return w.bytes();
}

/** Writes the model to `path` (through a temporary file and a rename, so no reader sees half a file). */
export function writeTinyGguf(path, options = {}) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, tinyGgufBytes(options));
  renameSync(tmp, path);
  return path;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
  const out = args.find((a, i) => !a.startsWith('--') && (seedAt < 0 || i !== seedAt + 1));
  if (!out || !Number.isInteger(seed) || seed < 0) {
    console.error('usage: node scripts/make-tiny-gguf.mjs OUT.gguf [--seed N]  (N a non-negative integer)');
    process.exit(2);
  }
  writeTinyGguf(out, { seed });
  console.log(out);
}
