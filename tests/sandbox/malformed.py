"""Seeded generator of malformed requests for every operation of openapi.yaml.

Each `Case` is one HTTP request that breaks the spec in one way: bad JSON, wrong
types, huge arrays, huge or deeply nested values, bad cursors, bad headers, bad paths
and parameters. Valid starting points are built from the spec's own schemas, so new
operations and fields are covered without edits here.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agentplatform_sandbox.spec import Operation, load_spec, operations, resolve

_EXAMPLE_DEPTH = 6
_METHODS = ("GET", "PUT", "POST", "PATCH", "DELETE")


@dataclass
class Case:
    """One request to send, with a label that says how it is malformed."""

    label: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str | bytes] = field(default_factory=dict)
    content: bytes | None = None


def example(schema: Any, depth: int = 0) -> Any:
    """A small value that follows `schema` as far as it easily can (required fields only)."""
    node = resolve(load_spec(), schema)
    if not isinstance(node, dict) or depth > _EXAMPLE_DEPTH:
        return None
    for combinator in ("oneOf", "anyOf", "allOf"):
        if node.get(combinator):
            return example(node[combinator][0], depth + 1)
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return node["enum"][0]
    kind = node.get("type", "object")
    kind = next((k for k in kind if k != "null"), "null") if isinstance(kind, list) else kind
    if kind == "object":
        required = node.get("required", [])
        props = node.get("properties", {})
        return {name: example(props.get(name, {}), depth + 1) for name in required}
    if kind == "array":
        return [example(node.get("items", {}), depth + 1)] * max(1, node.get("minItems", 1))
    scalars: dict[str, Any] = {
        "integer": max(1, node.get("minimum", 1)),
        "number": 0.5,
        "boolean": True,
        "null": None,
    }
    if kind in scalars:
        return scalars[kind]
    text = {"date-time": "2024-01-01T00:00:00Z", "uri": "http://127.0.0.1:9/hook"}
    return text.get(node.get("format", ""), "x" * max(1, node.get("minLength", 1)))


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every JSON path in `value`, itself (`()`) first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of(item, (*prefix, index))


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of `value` with the value at `path` replaced by `new`."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(copy[head], rest, new)
    return copy


def _nested(rng: random.Random, depth: int) -> Any:
    value: Any = rng.choice([1, "x", None, []])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


class Generator:
    """Makes `Case`s from a seed; the same seed gives the same requests."""

    def __init__(self, seed: int, api_key: str) -> None:
        self.rng = random.Random(seed)
        self.api_key = api_key
        self.operations = list(operations())
        self.kinds: list[Callable[[], Case]] = [
            self.bad_json,
            self.wrong_type,
            self.wrong_type,
            self.huge_array,
            self.deep_nesting,
            self.bad_cursor,
            self.bad_header,
            self.bad_path,
            self.bad_param,
            self.bad_encoding,
        ]

    def cases(self, count: int) -> Iterator[Case]:
        """`count` malformed requests, in a seeded random order of kinds."""
        for _ in range(count):
            yield self.rng.choice(self.kinds)()

    # -- helpers --------------------------------------------------------------------

    def _op(self, with_body: bool | None = None) -> Operation:
        ops = [
            op
            for op in self.operations
            if with_body is None or (op.body_schema is not None) == with_body
        ]
        return self.rng.choice(ops)

    def _path(self, op: Operation, ident: str | None = None) -> str:
        path = op.path
        while "{" in path:
            start, end = path.index("{"), path.index("}")
            path = path[:start] + (ident or f"id_{self.rng.randrange(1000)}") + path[end + 1 :]
        return path

    def _case(self, label: str, op: Operation, content: bytes | None = None, **kw: Any) -> Case:
        headers: dict[str, str | bytes] = {"X-API-Key": self.api_key}
        if content is not None:
            headers["Content-Type"] = "application/json"
        headers.update(kw.pop("headers", {}))
        path = kw.pop("path", None) or self._path(op)
        return Case(
            f"{op.operation_id}: {label}", op.method, path, headers=headers, content=content, **kw
        )

    def _evil(self) -> Any:
        rng = self.rng
        choices: list[Callable[[], Any]] = [
            lambda: None,
            lambda: True,
            lambda: rng.randint(-(2**70), 2**70),
            lambda: 10**400,
            lambda: -0.0,
            lambda: 1.7e308,
            lambda: "",
            lambda: "\x00\u202e\ufeff",
            lambda: "\ud800",
            lambda: "x" * rng.randint(1000, 200_000),
            lambda: [],
            lambda: {},
            lambda: [rng.random() for _ in range(rng.randint(1, 50))],
            lambda: {f"k{i}": i for i in range(rng.randint(100, 20_000))},
            lambda: ["x"] * rng.randint(1000, 100_000),
            lambda: "2024-13-45T99:99:99Z",
            lambda: "not a uri",
            lambda: _nested(rng, rng.randint(10, 200)),
        ]
        return rng.choice(choices)()

    # -- kinds ----------------------------------------------------------------------

    def bad_json(self) -> Case:
        """Bytes that are not the JSON of a body."""
        op = self._op(with_body=True)
        good = json.dumps(example(op.body_schema)).encode()
        rng = self.rng
        options = [
            good[: rng.randint(0, max(0, len(good) - 1))],
            good + b"}",
            b"\xef\xbb\xbf" + good,
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))),
            b'{"a": NaN}',
            b'{"a": Infinity}',
            b'{"a": 1e999}',
            b'{"a": -1e999}',
            b'{"a": ' + b"9" * 5000 + b"}",
            b'{"a": "\xff\xfe"}',
            b'{"a": "\\ud800"}',
            b"[" * rng.randint(1000, 200_000),
            b'{"a":' * rng.randint(1000, 50_000),
            b"null",
            b'"a string"',
            b"[]",
            b"0",
            b"  ",
        ]
        return self._case("bad JSON", op, rng.choice(options))

    def wrong_type(self) -> Case:
        """A body from the schema with one value replaced by a value of another shape."""
        op = self._op(with_body=True)
        body = example(op.body_schema)
        path = self.rng.choice(list(paths_of(body)))
        content = json.dumps(replaced(body, path, self._evil())).encode()
        return self._case(f"wrong value at {list(path)}", op, content)

    def huge_array(self) -> Case:
        """A body with one array (or the body itself) made very long (up to 15 MB)."""
        op = self._op(with_body=True)
        body = example(op.body_schema)
        arrays = [p for p in paths_of(body) if isinstance(get(body, p), list)] or [()]
        path = self.rng.choice(arrays)
        size = self.rng.choice([1001, 4097, 10_000, 100_000, 300_000, 3_000_000])
        item = self.rng.choice(["0.25", '"x"', "1", '{"a":1}'])
        raw = json.dumps(replaced(body, path, "__HUGE__")).encode()
        content = raw.replace(b'"__HUGE__"', _array_text(item, size))
        return self._case(f"{size} items at {list(path)}", op, content)

    def deep_nesting(self) -> Case:
        """A body with a value nested hundreds or thousands of levels deep."""
        op = self._op(with_body=True)
        body = example(op.body_schema)
        path = self.rng.choice(list(paths_of(body)))
        depth = self.rng.choice([30, 100, 500, 900, 990, 2000])
        raw = json.dumps(replaced(body, path, "__DEEP__"))
        deep = (
            "[" * depth + "1" + "]" * depth
            if self.rng.random() < 0.5
            else ('{"k":' * depth + "1" + "}" * depth)
        )
        content = raw.replace('"__DEEP__"', deep).encode()
        return self._case(f"depth {depth} at {list(path)}", op, content)

    def bad_cursor(self) -> Case:
        """A list call with a cursor that no page gave out."""
        op = self.rng.choice(
            [o for o in self.operations if any(p.name == "cursor" for p in o.parameters)]
        )
        rng = self.rng
        raw = rng.choice(
            [
                b"[" * rng.randint(500, 3000) + b"]" * rng.randint(0, 3000),
                json.dumps(self._evil()).encode()[:3000],
                bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))),
                b"[" + b"9" * 5000 + b"]",
            ]
        )
        cursor = rng.choice(
            [
                base64.urlsafe_b64encode(raw).decode().rstrip("="),
                "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randint(1, 40))),
                "%%%",
                "=" * rng.randint(1, 10),
            ]
        )
        return self._case("bad cursor", op, params={"cursor": cursor})

    def bad_header(self) -> Case:
        """A request whose headers are odd, wrong or missing."""
        op = self._op()
        rng = self.rng
        content = json.dumps(example(op.body_schema)).encode() if op.body_schema else None
        name, value = rng.choice(
            [
                ("X-API-Key", ""),
                ("X-API-Key", "sk_unknown"),
                ("X-API-Key", b"\xff\xfe\x80"),
                ("X-Tenant-ID", "tenant_nobody"),
                ("X-Tenant-ID", b"\xe9t\xe9"),
                ("X-Workspace-ID", "x" * 4000),
                ("Idempotency-Key", ""),
                ("Idempotency-Key", "k" * 4000),
                ("Idempotency-Key", b"\xc3\x28"),
                ("Last-Event-ID", rng.choice(["-1", "abc", "9" * 400, "", "1.5"])),
                ("If-Match", rng.choice(["", '"', "W/", "*", "x" * 2000])),
                ("traceparent", rng.choice(["", "00-zz-zz-01", "garbage", "00-" + "0" * 100])),
                (
                    "Content-Type",
                    rng.choice(
                        [
                            "",
                            "text/plain",
                            "application/json; charset=latin-1",
                            "application/x-www-form-urlencoded",
                            ";;;",
                            "*/*",
                        ]
                    ),
                ),
                ("Content-Encoding", rng.choice(["br", "gzip, gzip", "deflate", "identity"])),
                ("Accept", "application/xml"),
            ]
        )
        case = self._case(f"header {name}: {value!r:.40}", op, content)
        if name == "X-API-Key" and value == "" and rng.random() < 0.5:
            del case.headers["X-API-Key"]
        else:
            case.headers[name] = value
        return case

    def bad_path(self) -> Case:
        """A path no operation has, a method a path does not allow, or an odd id."""
        op = self._op()
        rng = self.rng
        ident = rng.choice(
            [
                "%ff%fe",
                "%00",
                "..",
                "%2e%2e",
                "%2F",
                "x" * 3000,
                "%",
                "%zz",
                "\u00e9",
                "ent_" + "9" * 200,
                "';--",
                "%E2%80%AE",
            ]
        )
        choice = rng.randrange(4)
        if choice == 0:
            return self._case("odd id", op, path=self._path(op, ident))
        if choice == 1:
            path = rng.choice(
                [
                    "/v1",
                    "/v1/",
                    "/",
                    "/v2/entities",
                    "/v1/entities/",
                    "//v1/entities",
                    "/v1/entities/a/b/c",
                    "/V1/ENTITIES",
                    "/v1/" + ident,
                ]
            )
            return self._case("unknown path", op, path=path)
        if choice == 2:
            method = rng.choice([m for m in _METHODS if m != op.method])
            case = self._case("other method", op)
            case.method = method
            return case
        case = self._case("unknown method", op)
        case.method = rng.choice(["OPTIONS", "HEAD", "TRACE", "FOO"])
        return case

    def bad_param(self) -> Case:
        """A query parameter with a value of the wrong type, range or format."""
        ops = [o for o in self.operations if any(p.location == "query" for p in o.parameters)]
        op = self.rng.choice(ops)
        rng = self.rng
        params = {}
        for param in op.parameters:
            if param.location == "query" and rng.random() < 0.7:
                params[param.name] = rng.choice(
                    [
                        "",
                        "-1",
                        "0",
                        "1e3",
                        "99999999999999999999999",
                        "abc",
                        "true",
                        "2024-13-45T00:00:00Z",
                        "\u00e9\u202e",
                        "x" * 3000,
                        "1.5",
                        "%00",
                        "null",
                    ]
                )
        params[rng.choice(["unknown", "limit", "cursor"])] = rng.choice(["", "[]", "{}"])
        return self._case("bad query", op, params=params)

    def bad_encoding(self) -> Case:
        """A body that says it is gzip but is not, or that inflates to a huge or bad body."""
        op = self._op(with_body=True)
        rng = self.rng
        good = json.dumps(example(op.body_schema)).encode()
        content = rng.choice(
            [
                b"not gzip at all",
                gzip.compress(good)[:-5],
                _gzip_bomb(b"[", 100_000),
                _gzip_bomb(b" ", 40_000_000),
                gzip.compress(b"\xff" * 100),
                gzip.compress(good) + b"trailing",
            ]
        )
        return self._case("bad gzip", op, content, headers={"Content-Encoding": "gzip"})


@functools.cache
def _array_text(item: str, size: int) -> bytes:
    return b"[" + b",".join([item.encode()] * size) + b"]"


@functools.cache
def _gzip_bomb(byte: bytes, size: int) -> bytes:
    return gzip.compress(byte * size, compresslevel=1)


def get(value: Any, path: tuple[Any, ...]) -> Any:
    """The value at `path` in `value`."""
    for part in path:
        value = value[part]
    return value
