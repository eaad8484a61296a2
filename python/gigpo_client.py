"""Client for the gigpo-engine rollout service (`gigpo serve`, docs/SERVICE.md).

Needs only the standard library, msgpack and numpy (torch optional, for to_torch()).

    from gigpo_client import Client, Stream

    client = Client("http://127.0.0.1:8077")
    with client.rollout(env="sokoban", groups=64, group_size=8,
                        policy={"kind": "oracle", "epsilon": 0.3}) as run:
        for chunk in run:                      # scored groups, as soon as they finish
            train_on(chunk["advantage"], chunk["reward"])
    print(run.summary["rows"])

    with Stream("http://127.0.0.1:8077", env="sokoban", group_size=8,
                policy={"kind": "openai", "baseURL": "http://127.0.0.1:8000/v1", "model": "m"},
                max_staleness=1) as stream:
        for version in range(1, 100):
            batch = stream.batch(rows=1024)   # >= 1024 rows of non-zero-variance groups
            update_weights(batch)
            stream.set_policy(version)        # rows of groups older than max_staleness are dropped

Request fields are the service's (docs/SERVICE.md); keyword arguments may be given in
snake_case (group_size=8) or as the API spells them (groupSize=8). Chunks are what
gigpo_batch.decode_chunk returns: {"meta", "num_rows", column name -> numpy array | Ragged}.
Every failure raises a ServiceError subclass carrying the server's message and field.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, Optional

import msgpack

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gigpo_batch import FORMAT, FormatError, Ragged, decode_chunk, to_torch  # noqa: E402

__all__ = [
    "Client", "Stream", "Rollout", "rollout", "to_torch", "Ragged",
    "ServiceError", "BadRequest", "NotFound", "Conflict", "Gone", "LimitExceeded",
    "ServerError", "UpstreamError", "Unavailable", "GatewayTimeout", "ConnectionFailed", "ProtocolError",
]

DEFAULT_URL = "http://127.0.0.1:8077"
SUMMARY_FORMAT = "gigpo.summary"
ERROR_FORMAT = "gigpo.error"
READ_BYTES = 1 << 20


class ServiceError(Exception):
    """An error answered by the service: HTTP status, error code, the field at fault, message."""

    def __init__(self, message: str, status: Optional[int] = None, code: Optional[str] = None,
                 field: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field


class BadRequest(ServiceError):
    """400: a request field is wrong; .field names it (e.g. 'policy.baseURL')."""


class NotFound(ServiceError):
    """404: no such stream (deleted, or never created) or route."""


class Conflict(ServiceError):
    """409: e.g. a policy version that does not increase."""


class Gone(ServiceError):
    """410: the stream was deleted or the server stopped it."""


class LimitExceeded(ServiceError):
    """413 / 429: a server limit (streams, rollouts, body size)."""


class ServerError(ServiceError):
    """5xx: the service failed."""


class UpstreamError(ServerError):
    """502: the stream's group jobs keep failing (e.g. the inference server is down)."""


class Unavailable(ServerError):
    """503: the server is shutting down."""


class GatewayTimeout(ServerError):
    """504: no batch within timeout_ms."""


class ConnectionFailed(ServiceError):
    """The service could not be reached, or the connection broke."""


class ProtocolError(ServiceError):
    """The service answered something this client cannot read."""


_BY_STATUS = {400: BadRequest, 404: NotFound, 409: Conflict, 410: Gone, 413: LimitExceeded,
              429: LimitExceeded, 502: UpstreamError, 503: Unavailable, 504: GatewayTimeout}


def _error(status: Optional[int], body: Any, fallback: str) -> ServiceError:
    info = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    status = info.get("status", status)
    message = info.get("message") or fallback
    cls = _BY_STATUS.get(status) or (ServerError if status and status >= 500 else ServiceError)
    return cls(message, status=status, code=info.get("code"), field=info.get("field"))


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _request_body(fields: Dict[str, Any]) -> Dict[str, Any]:
    return {_camel(k): v for k, v in fields.items() if v is not None}


class Client:
    """One service at base_url. timeout: seconds per socket operation (None: wait as long as needed)."""

    def __init__(self, base_url: str = DEFAULT_URL, timeout: Optional[float] = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _open(self, method: str, path: str, body: Any = None, query: Optional[Dict[str, Any]] = None):
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                parsed = None
            raise _error(err.code, parsed, f"{method} {path}: HTTP {err.code} {raw[:200]!r}") from None
        except (urllib.error.URLError, OSError) as err:
            raise ConnectionFailed(f"{method} {url}: {getattr(err, 'reason', err)}") from None

    def _json(self, method: str, path: str, body: Any = None, query: Optional[Dict[str, Any]] = None) -> Any:
        with self._open(method, path, body, query) as resp:
            raw = resp.read()
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise ProtocolError(f"{method} {path}: expected JSON, got {raw[:200]!r}") from err

    def health(self) -> Dict[str, Any]:
        return self._json("GET", "/health")

    def rollout(self, **request: Any) -> "Rollout":
        """POST /v1/rollouts. Iterate the result for scored chunks as they stream; .summary at the end."""
        return Rollout(self._open("POST", "/v1/rollouts", _request_body(request)))

    def stream(self, **request: Any) -> "Stream":
        return Stream(client=self, **request)


class Rollout:
    """The chunks of one streamed rollout. Closing it early (or leaving the with block) cancels the rest."""

    def __init__(self, response):
        self._response = response
        self.summary: Optional[Dict[str, Any]] = None
        self.chunks = 0

    def __enter__(self) -> "Rollout":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._response.close()

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        unpacker = msgpack.Unpacker(raw=False, max_buffer_size=2**31 - 1)
        try:
            while True:
                try:
                    data = self._response.read1(READ_BYTES)
                except (OSError, ValueError) as err:
                    raise ConnectionFailed(f"rollout stream broke after {self.chunks} chunks: {err}") from None
                if not data:
                    break
                unpacker.feed(data)
                for value in unpacker:
                    if not isinstance(value, dict):
                        raise ProtocolError(f"rollout stream: value {self.chunks}: expected a map")
                    kind = value.get("format")
                    if kind == SUMMARY_FORMAT:
                        self.summary = value
                    elif kind == ERROR_FORMAT:
                        raise _error(None, value, "rollout failed")
                    elif kind == FORMAT:
                        try:
                            chunk = decode_chunk(value, f"rollout chunk {self.chunks}")
                        except FormatError as err:
                            raise ProtocolError(str(err)) from err
                        self.chunks += 1
                        yield chunk
                    else:
                        raise ProtocolError(f"rollout stream: unknown value format {kind!r}")
        finally:
            self.close()
        if self.summary is None:
            raise ConnectionFailed(f"rollout stream ended after {self.chunks} chunks without a summary")


def rollout(base_url: str = DEFAULT_URL, **request: Any) -> Rollout:
    """Client(base_url).rollout(**request)."""
    return Client(base_url).rollout(**request)


class Stream:
    """A continuous producer on the service (POST /v1/streams); delete it with close() or a with block."""

    def __init__(self, base_url: str = DEFAULT_URL, *, client: Optional[Client] = None,
                 timeout: Optional[float] = None, **request: Any):
        self.client = client or Client(base_url, timeout=timeout)
        created = self.client._json("POST", "/v1/streams", _request_body(request))
        self.id: str = created["id"]
        self.version: int = created.get("policyVersion", 0)
        self._closed = False

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _path(self, tail: str = "") -> str:
        return f"/v1/streams/{urllib.parse.quote(self.id)}{tail}"

    def batch(self, rows: int, timeout_ms: Optional[int] = None) -> Dict[str, Any]:
        """The next training batch: whole groups with non-zero reward variance, >= rows rows."""
        with self.client._open("GET", self._path("/batch"), query={"rows": rows, "timeoutMs": timeout_ms}) as resp:
            raw = resp.read()
        try:
            return decode_chunk(msgpack.unpackb(raw, raw=False, max_bin_len=2**31 - 1), f"stream {self.id} batch")
        except (FormatError, ValueError, msgpack.UnpackException) as err:
            raise ProtocolError(f"stream {self.id}: unreadable batch: {err}") from err

    def set_policy(self, version: int, base_url: Optional[str] = None) -> Dict[str, Any]:
        """Announce new weights: later groups run `version` (at base_url, for openai policies)."""
        body: Dict[str, Any] = {"version": version}
        if base_url is not None:
            body["baseURL"] = base_url
        info = self.client._json("POST", self._path("/policy"), body)
        self.version = info.get("policyVersion", version)
        return info

    def info(self) -> Dict[str, Any]:
        return self.client._json("GET", self._path())

    def tasks(self) -> Dict[str, Any]:
        """Per-task statistics (success rates under curation)."""
        return self.client._json("GET", self._path("/tasks"))

    def close(self) -> Optional[Dict[str, Any]]:
        """Deletes the stream; its final state and counters."""
        if self._closed:
            return None
        self._closed = True
        try:
            return self.client._json("DELETE", self._path())
        except (NotFound, ConnectionFailed):
            return None
