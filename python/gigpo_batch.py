"""Reader for gigpo-engine's columnar msgpack files (docs/FORMAT.md), one chunk at a time.

Needs msgpack and numpy; torch only for to_torch().

    from gigpo_batch import iter_chunks, to_torch
    for chunk in iter_chunks("rollout.msgpack"):
        rewards = chunk["reward"]              # numpy float32, one entry per row
        obs = chunk["observations"]            # Ragged(offsets, data): the observation table
        text = obs.text(chunk["obs"][0])       # the observation of row 0
        advantage = chunk.get("advantage")     # present in scored files
        weight = chunk.get("importanceWeight") # present in training batches (BatchAssembler)

Command line:  python3 gigpo_batch.py FILE [--json]
(a summary per chunk, or every chunk as JSON with u64 values as decimal strings).
"""

import json
import sys
from typing import Any, Dict, Iterator, NamedTuple, Union

import msgpack
import numpy as np

FORMAT = "gigpo.steps"
VERSION = 1
DTYPES = {
    "u8": "<u1", "i8": "<i1", "u16": "<u2", "i16": "<i2", "u32": "<u4",
    "i32": "<i4", "u64": "<u8", "i64": "<i8", "f32": "<f4", "f64": "<f8",
}
# Ragged columns with one element per row (observations is a table, indexed by "obs").
ROW_RAGGED = ("prompt", "response", "actionText", "promptIds", "responseIds", "logprobs", "responseMask", "tokenAdvantage")


class FormatError(ValueError):
    """The file is not a valid gigpo.steps stream; the message names the chunk and column."""


class Ragged(NamedTuple):
    """Element i is data[offsets[i]:offsets[i + 1]]; offsets has len(self) + 1 entries."""

    offsets: np.ndarray
    data: np.ndarray

    def __len__(self) -> int:  # type: ignore[override]
        return len(self.offsets) - 1

    def row(self, i: int) -> np.ndarray:
        return self.data[self.offsets[i]:self.offsets[i + 1]]

    def text(self, i: int) -> str:
        """Element i of a UTF-8 text column, decoded."""
        return self.row(i).tobytes().decode("utf-8")

    def texts(self) -> list:
        raw = self.data.tobytes()
        return [raw[a:b].decode("utf-8") for a, b in zip(self.offsets[:-1], self.offsets[1:])]


def _array(col: Any, where: str) -> np.ndarray:
    if not isinstance(col, dict):
        raise FormatError(f"{where}: expected a {{dtype, shape, data}} map")
    dtype = DTYPES.get(col.get("dtype"))
    shape, data = col.get("shape"), col.get("data")
    if dtype is None:
        raise FormatError(f"{where}.dtype: unknown dtype {col.get('dtype')!r}")
    if not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
        raise FormatError(f"{where}.shape: expected a list of lengths, got {shape!r}")
    if not isinstance(data, bytes):
        raise FormatError(f"{where}.data: expected binary data")
    size = np.dtype(dtype).itemsize * int(np.prod(shape, dtype=np.int64))
    if len(data) != size:
        raise FormatError(f"{where}.data: expected {size} bytes, got {len(data)}")
    return np.frombuffer(data, dtype=dtype).reshape(shape)


def _ragged(col: Any, where: str, rows: Union[int, None]) -> Ragged:
    data = _array(col, where)
    offsets = _array(col.get("offsets"), where + ".offsets")
    if rows is not None and len(offsets) != rows + 1:
        raise FormatError(f"{where}.offsets: expected {rows + 1} offsets, got {len(offsets)}")
    if len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != len(data) or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise FormatError(f"{where}.offsets: must start at 0, never decrease and end at {len(data)}")
    return Ragged(offsets, data)


def decode_chunk(obj: Any, where: str = "chunk") -> Dict[str, Any]:
    """One decoded chunk map -> {"meta", "num_rows", column name -> numpy array | Ragged | list}."""
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise FormatError(f"{where}: not a {FORMAT} chunk")
    if obj.get("version") != VERSION:
        raise FormatError(f"{where}: version {obj.get('version')!r} (this reader knows {VERSION})")
    cols = obj.get("columns")
    if not isinstance(cols, dict) or "group" not in cols:
        raise FormatError(f"{where}: columns: expected a map with at least 'group'")
    rows = len(_array(cols["group"], where + ": columns.group"))
    out: Dict[str, Any] = {"meta": obj.get("meta") or {}, "num_rows": rows}
    for name, col in cols.items():
        at = f"{where}: columns.{name}"
        if isinstance(col, list):
            out[name] = col  # a label table
        elif isinstance(col, dict) and "offsets" in col:
            out[name] = _ragged(col, at, rows if name in ROW_RAGGED else None)
        else:
            out[name] = _array(col, at)
            if len(out[name]) != rows:
                raise FormatError(f"{at}: expected {rows} rows, got {len(out[name])}")
    return out


def iter_chunks(source: Union[str, Any]) -> Iterator[Dict[str, Any]]:
    """Yields each chunk of a file (a path or a binary file object) as decode_chunk() does."""
    name = source if isinstance(source, str) else getattr(source, "name", "<stream>")
    f = open(source, "rb") if isinstance(source, str) else source
    try:
        # A chunk may be large: lift msgpack's default 100 MiB cap on buffered bytes.
        unpacker = msgpack.Unpacker(f, raw=False, max_buffer_size=2**31 - 1)
        count = 0
        try:
            for count, obj in enumerate(unpacker, 1):
                yield decode_chunk(obj, f"{name}: chunk {count - 1}")
        except (msgpack.UnpackException, ValueError) as err:
            if isinstance(err, FormatError):
                raise
            raise FormatError(f"{name}: chunk {count}: invalid msgpack ({err})") from err
        # The unpacker stops quietly at a partial value: compare what it used with what was read.
        try:
            read = f.tell()
        except (OSError, ValueError):
            read = unpacker.tell()
        if unpacker.tell() != read:
            raise FormatError(f"{name}: chunk {count}: truncated (the chunk starting at byte offset "
                              f"{unpacker.tell()} is cut off by the end of the data at byte {read})")
        if count == 0:
            raise FormatError(f"{name}: empty file: no chunks")
    finally:
        if isinstance(source, str):
            f.close()


def to_torch(chunk: Dict[str, Any]) -> Dict[str, Any]:
    """Numeric columns as torch tensors (uint32 -> int64, uint64 anchors -> int64 with the same bits)."""
    try:
        import torch
    except ImportError as err:
        raise ImportError("to_torch needs PyTorch (pip install torch)") from err

    def tensor(a: np.ndarray):
        if a.dtype == np.uint64:
            a = a.view(np.int64)
        elif a.dtype == np.uint32:
            a = a.astype(np.int64)
        return torch.from_numpy(np.array(a))  # a writable copy; the chunk's buffers are read-only

    out: Dict[str, Any] = {}
    for name, value in chunk.items():
        if isinstance(value, Ragged):
            out[name] = Ragged(tensor(value.offsets), tensor(value.data))
        elif isinstance(value, np.ndarray):
            out[name] = tensor(value)
        else:
            out[name] = value
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Ragged):
        return {"offsets": _jsonable(value.offsets), "data": _jsonable(value.data)}
    if isinstance(value, np.ndarray):
        if value.dtype in (np.uint64, np.int64):
            return [str(v) for v in value.tolist()]  # beyond 2**53: keep exact as text
        return value.tolist()  # float32 -> the exact double; json writes the shortest repr
    return value


def main(argv: list) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if "--json" in argv:
            chunks = []
            for c in iter_chunks(args[0]):
                entry = {k: _jsonable(v) for k, v in c.items()}
                entry["observation_texts"] = c["observations"].texts()
                chunks.append(entry)
            json.dump(chunks, sys.stdout)
            print()
            return 0
        total = 0
        for i, c in enumerate(iter_chunks(args[0])):
            total += c["num_rows"]
            cols = ", ".join(
                f"{k}[{len(v)}]" if not isinstance(v, np.ndarray) else f"{k}:{v.dtype}"
                for k, v in c.items() if k not in ("meta", "num_rows"))
            print(f"chunk {i}: {c['num_rows']} rows, {len(np.unique(c['group']))} groups, "
                  f"{len(np.unique(c['traj']))} trajectories; {cols}")
        print(f"total: {total} rows")
        return 0
    except (FormatError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
