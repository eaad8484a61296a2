// Element types of the columnar file format: names as written in files (`f32`, `u32`, ...)
// and the typed arrays they map to. Column bytes are little-endian, which is also the
// memory order of every host this runs on (checked once below), so a column is its
// typed array's raw bytes and decoding is a view, or one copy when misaligned.
import { endianness } from 'node:os';

export type Dtype = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64';

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

interface ArrayType<T extends NumericArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export const DTYPES: Record<Dtype, ArrayType<NumericArray>> = {
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  u64: BigUint64Array,
  i64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
};

/** The dtype name of a typed array. */
export function dtypeOf(array: NumericArray): Dtype {
  for (const [name, type] of Object.entries(DTYPES)) if (array instanceof type) return name as Dtype;
  throw new TypeError(`not a supported typed array: ${Object.prototype.toString.call(array)}`);
}

export const hostIsLittleEndian = endianness() === 'LE';

/** The bytes of a typed array, without copying. */
export function bytesOf(array: NumericArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * A typed array over `bytes` (whose length is a multiple of the element size): a view
 * when the offset is aligned for the element type, else a copy into fresh memory.
 */
export function arrayOf<T extends NumericArray>(type: ArrayType<T>, bytes: Uint8Array): T {
  const size = type.BYTES_PER_ELEMENT;
  const length = bytes.byteLength / size;
  if (bytes.byteOffset % size === 0) return new type(bytes.buffer, bytes.byteOffset, length);
  const out = new type(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
