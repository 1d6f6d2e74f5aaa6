"""Edge cases of the core helpers that no well-behaved server or caller reaches."""

from __future__ import annotations

import datetime
import sys
import types
import typing
from pathlib import Path
from typing import Any

import agentplatform as ap
import attrs
import httpx
import pytest
from agentplatform import _config, _http, _transport, _validation
from agentplatform._operation import Call
from agentplatform.types import UNSET, Health, Problem, Unset

from ._support import HEALTH

ORIGINAL_ASYNC_SLEEP = _transport.async_sleep  # captured before the fixture patches it


@attrs.define
class Node:
    """A recursive model, like the generated ones (with additional properties)."""

    name: str
    children: list[Node]
    extra: int | Unset = UNSET
    raw: dict[str, Any] | Unset = UNSET
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)


def test_post_parse_checker_on_recursive_models() -> None:
    tree = Node("a", [Node("b", []), Node("c", [Node("d", [])])])
    _validation.validate(tree)
    broken = Node("a", [Node("b", []), Node("c", [Node(3, [])])])  # type: ignore[arg-type]
    with pytest.raises(ap.APIResponseValidationError) as info:
        _validation.validate(broken)
    assert info.value.field == "children[1].children[0].name"
    with pytest.raises(ap.APIResponseValidationError) as info:
        _validation.validate(Node("a", [], raw=[]))  # type: ignore[arg-type]
    assert info.value.field == "raw"


def test_raw_json_checker_on_recursive_models() -> None:
    _validation.check_json(Node, {"name": "a", "children": [{"name": "b", "children": []}]})
    with pytest.raises(ap.APIResponseValidationError) as info:
        _validation.check_json(Node, {"name": "a", "children": [{"name": "b"}]})
    assert info.value.field == "children[0].children"
    assert "is required but missing" in str(info.value)


@pytest.mark.parametrize(
    ("hint", "good", "bad", "expected"),
    [
        (Any, object(), None, None),
        (object, 1, None, None),
        (dict[str, int], {}, [], "an object"),
        (datetime.datetime, datetime.datetime(2026, 1, 1), "2026", "a date-time"),
        (datetime.date, datetime.date(2026, 1, 1), "2026-01-01", "a date"),
        (Path, Path("x"), "x", "Path"),
        (ap.types.Unset, ap.types.UNSET, None, "absent"),
        (typing.Literal["a", "b"], "a", "c", "one of 'a', 'b'"),
        (list[int], [1, 2], [1, True], "an integer"),
        (float, 1, True, "a number"),
        (bool, False, 0, "a boolean"),
        (type(None), None, 0, "null"),
        (typing.Annotated[int, []], 1, "1", None),  # unhashable: compiled each time
    ],
)
def test_post_parse_checkers(hint: Any, good: Any, bad: Any, expected: str | None) -> None:
    check = _validation.checker_for(hint)
    assert check(good, "f") is None
    if expected is None:
        return
    problem = check(bad, "f")
    assert problem is not None
    assert expected in problem[1]


@pytest.mark.parametrize(
    ("hint", "good", "bad", "expected"),
    [
        (datetime.date, "2026-01-01", "01/01/2026", "should be a date"),
        (datetime.date, "2026-01-01", 20260101, "should be a date"),
        (datetime.datetime, "2026-01-01T00:00:00Z", "tomorrow", "should be a date-time"),
        (list[str], ["a"], "a", "should be an array"),
        (int | None, None, 1.5, "should be"),
        (typing.Annotated[str, []], "a", 1, None),
    ],
)
def test_raw_json_checkers(hint: Any, good: Any, bad: Any, expected: str | None) -> None:
    check = _validation.json_checker_for(hint)
    assert check(good, "f") is None
    if expected is not None:
        problem = check(bad, "f")
        assert problem is not None
        assert expected in problem[1]


def _fake_endpoint(parse: Any) -> Any:
    return types.SimpleNamespace(
        __name__="agentplatform_api.api.fake.fake_call",
        _get_kwargs=lambda **_: {"method": "get", "url": "/v1/fake"},
        _parse_response=parse,
    )


def test_parse_failure_the_checker_cannot_place() -> None:
    def parse(*, client: Any, response: Any) -> Health | Problem | None:
        raise KeyError("nowhere")

    call: Call[Any] = Call(_fake_endpoint(parse), {}, {})
    response = httpx.Response(200, json=HEALTH, headers={"x-request-id": "r1"})
    with pytest.raises(ap.APIResponseValidationError) as info:
        _http.parse(call, response)
    assert info.value.field is None
    assert info.value.request_id == "r1"
    assert "KeyError" in str(info.value)


def test_parse_of_a_non_model_value() -> None:
    def parse(*, client: Any, response: Any) -> str | None:
        return str(response.text) + str(len(response.content))

    call: Call[Any] = Call(_fake_endpoint(parse), {}, {})
    assert _http.parse(call, httpx.Response(200, json="hi")) == '"hi"4'


def test_body_that_json_cannot_encode_is_refused() -> None:
    endpoint = types.SimpleNamespace(
        __name__="fake",
        _get_kwargs=lambda **_: {"method": "post", "url": "/v1/x", "json": {"a": float("nan")}},
    )
    config = _http.CoreConfig(base_url="http://h", headers={})
    with httpx.Client() as http, pytest.raises(ap.InvalidParameterError) as info:
        _http.build_request(http, Call(endpoint, {}, {}), _http.RequestDefaults(http, config))
    assert info.value.parameter == "body"


async def test_real_async_sleep_sleeps_zero() -> None:
    assert await ORIGINAL_ASYNC_SLEEP(0) is None


def test_config_dir_without_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "platformdirs", None)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert _config.config_dir() == tmp_path / "agentplatform"


@pytest.mark.parametrize(
    ("platform", "parts"),
    [("win32", ("Roaming", "agentplatform")), ("darwin", ("Application Support", "agentplatform"))],
)
def test_fallback_config_dir_per_platform(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str, parts: tuple[str, str]
) -> None:
    monkeypatch.setattr(_config.sys, "platform", platform)
    monkeypatch.delenv("APPDATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _config._fallback_config_dir().parts[-2:] == parts


def test_stream_error_fields() -> None:
    error = ap.StreamError("boom", retryable=True)
    assert error.retryable is True
    assert error.problem is None
    assert isinstance(error, ap.AgentPlatformError)
