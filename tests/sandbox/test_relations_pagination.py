"""Relation filters and cursor pagination of every list."""

from __future__ import annotations

import base64

import httpx
import pytest

from .helpers import assert_problem, create, fields, relate


def test_relation_filters(client: httpx.Client) -> None:
    a, b, c = (create(client, "Note") for _ in range(3))
    ab = relate(client, "LINKS", a["id"], b["id"])
    ca = relate(client, "LINKS", c["id"], a["id"])
    bc = relate(client, "CITES", b["id"], c["id"])

    def ids(**params: str) -> list[str]:
        return [r["id"] for r in client.get("/v1/relations", params=params).json()["data"]]

    assert ids() == [ab["id"], ca["id"], bc["id"]]
    assert ids(entity_id=a["id"]) == [ab["id"], ca["id"]]
    assert ids(entity_id=a["id"], direction="outgoing") == [ab["id"]]
    assert ids(entity_id=a["id"], direction="incoming") == [ca["id"]]
    assert ids(type="CITES") == [bc["id"]]
    assert client.delete(f"/v1/relations/{ab['id']}").status_code == 204
    assert_problem(client.delete(f"/v1/relations/{ab['id']}"), 404)
    assert ids(entity_id=a["id"]) == [ca["id"]]


def test_cursor_pagination_walks_everything_once(client: httpx.Client) -> None:
    created = [create(client, "Note", n=n)["id"] for n in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/v1/entities", params=params).json()
        pages += 1
        seen.extend(e["id"] for e in page["data"])
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert seen == created
    assert pages == 3


def test_cursor_survives_deletion_of_the_last_seen_item(client: httpx.Client) -> None:
    ids = [create(client, "Note")["id"] for _ in range(4)]
    first = client.get("/v1/entities", params={"limit": 2}).json()
    client.delete(f"/v1/entities/{ids[1]}").raise_for_status()
    rest = client.get("/v1/entities", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [e["id"] for e in rest["data"]] == ids[2:]


def test_default_page_size_is_20(client: httpx.Client) -> None:
    for _ in range(21):
        create(client, "Note")
    page = client.get("/v1/entities").json()
    assert len(page["data"]) == 20
    assert page["has_more"] is True


def test_bad_cursor_and_limit_are_400(client: httpx.Client) -> None:
    bad_cursor = assert_problem(client.get("/v1/entities", params={"cursor": "garbage!"}), 400)
    assert fields(bad_cursor) == {"cursor": "is not a valid cursor"}
    assert fields(assert_problem(client.get("/v1/entities", params={"limit": 0}), 400)) == {
        "limit": "must be >= 1"
    }
    assert fields(assert_problem(client.get("/v1/entities", params={"limit": "x"}), 400)) == {
        "limit": "must be an integer"
    }


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _b64url(b"[" * 1000 + b"]" * 1000),  # nested past the JSON parser's recursion limit
        _b64url(b"[" * 3000),  # unclosed
        _b64url(b'{"a": 1}'),
        _b64url(b"[[1]]"),
        _b64url(b"[true]"),
        _b64url(b"[1.5]"),
        _b64url(b"[NaN]"),
        _b64url(b"[" + b"9" * 5000 + b"]"),  # past int's digit limit
        _b64url(b"\xff\xfe"),
        _b64url(b"[1]") + "A" * 2000,  # longer than any cursor the sandbox makes
        "é",
        "====",
        "a",
    ],
)
def test_every_malformed_cursor_is_a_400_problem(client: httpx.Client, cursor: str) -> None:
    for path in ("/v1/entities", "/v1/relations", "/v1/events"):
        problem = assert_problem(client.get(path, params={"cursor": cursor}), 400, "bad_request")
        assert fields(problem) == {"cursor": "is not a valid cursor"}
