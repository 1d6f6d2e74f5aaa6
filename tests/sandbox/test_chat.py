"""The assistant: deterministic replies, SSE streams, Last-Event-ID resume, error events."""

from __future__ import annotations

import json
from typing import Any

import httpx
from agentplatform_sandbox import Sandbox

from .helpers import assert_problem


def parse_sse(text: str) -> list[dict[str, Any]]:
    """Events as {id, event, data} dicts (data parsed as JSON)."""
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append(
            {"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])}
        )
    return events


def stream(
    client: httpx.Client, body: dict[str, Any], **headers: str
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    with client.stream("POST", "/v1/chat/stream", json=body, headers=headers) as response:
        text = response.read().decode()
    return response, parse_sse(text) if response.status_code == 200 else []


def test_chat_is_deterministic(client: httpx.Client) -> None:
    body = {"message": "How should I retry with idempotency keys?"}
    first = client.post("/v1/chat", json=body).json()
    second = client.post("/v1/chat", json=body).json()
    assert first["response"] == second["response"]
    assert first["response"].startswith("You said: How should I retry with idempotency keys?")
    assert "Idempotency keys for every write" in first["response"]
    assert first["conversation_id"] != second["conversation_id"]
    assert first["finish_reason"] == "stop"
    assert first["usage"]["prompt_tokens"] == 7
    assert first["usage"]["completion_tokens"] == len(first["response"].split())
    continued = client.post("/v1/chat", json={**body, "conversation_id": "conv_mine"}).json()
    assert continued["conversation_id"] == "conv_mine"


def test_chat_uses_memories_when_asked(client: httpx.Client) -> None:
    client.post(
        "/v1/memories", json={"user_id": "u1", "key": "editor", "value": "vim"}
    ).raise_for_status()
    plain = client.post("/v1/chat", json={"message": "hi", "user_id": "u1"}).json()
    assert "vim" not in plain["response"]
    recalled = client.post(
        "/v1/chat", json={"message": "hi", "user_id": "u1", "use_memory": True}
    ).json()
    assert recalled["response"].endswith("I remember that editor is vim.")


def test_stream_deltas_join_to_the_completed_reply(client: httpx.Client) -> None:
    body = {"message": "Tell me about graph memory"}
    response, events = stream(client, body)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-request-id"].startswith("req_")
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    *deltas, completed = events
    assert {e["event"] for e in deltas} == {"message.delta"}
    assert completed["event"] == "message.completed"
    text = "".join(e["data"]["content"] for e in deltas)
    assert text == completed["data"]["response"]
    assert text == client.post("/v1/chat", json=body).json()["response"]
    assert completed["data"]["usage"]["completion_tokens"] == len(deltas)


def test_last_event_id_resumes_with_identical_events(client: httpx.Client) -> None:
    body = {"message": "resume me please, with several words in the reply"}
    _, full = stream(client, body)
    _, resumed = stream(client, body, **{"Last-Event-ID": "3"})
    assert resumed == full[3:]
    _, past_end = stream(client, body, **{"Last-Event-ID": str(len(full))})
    assert past_end == []
    bad, _ = stream(client, body, **{"Last-Event-ID": "three"})
    assert_problem(bad, 400)


def test_cut_streams_stitch_together_without_loss_or_repeats(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    body = {"message": "a fairly long message so that the reply has many tokens to stream"}
    _, expected = stream(client, body)
    sandbox.set_faults(cut_stream_after=4)
    received: list[dict[str, Any]] = []
    cuts = 0
    for _ in range(20):
        headers = {"Last-Event-ID": str(received[-1]["id"])} if received else {}
        text = ""
        try:
            with client.stream("POST", "/v1/chat/stream", json=body, headers=headers) as response:
                for chunk in response.iter_text():
                    text += chunk
        except (httpx.RemoteProtocolError, httpx.ReadError):
            cuts += 1
        received.extend(parse_sse(text))
        if received and received[-1]["event"] == "message.completed":
            break
    assert cuts == (len(expected) - 1) // 4
    assert [e["id"] for e in received] == [e["id"] for e in expected]
    assert received[:-1] == expected[:-1]
    completed = received[-1]["data"]
    assert completed["response"] == "".join(e["data"]["content"] for e in received[:-1])
    assert completed["response"] == expected[-1]["data"]["response"]


def test_same_idempotency_key_resumes_the_same_message(client: httpx.Client) -> None:
    body = {"message": "idempotent stream"}
    key = {"Idempotency-Key": "stream-1"}
    _, first = stream(client, body, **key)
    _, again = stream(client, body, **key, **{"Last-Event-ID": "2"})
    assert again == first[2:]
    assert again[-1]["data"]["message_id"] == first[-1]["data"]["message_id"]


def test_error_trigger_gives_an_error_event(client: httpx.Client) -> None:
    body = {"message": "please !error now, thanks for all the fish"}
    _, events = stream(client, body)
    assert events[-1]["event"] == "error"
    problem = events[-1]["data"]
    assert problem["status"] == 500
    assert problem["code"] == "stream_failed"
    assert all(e["event"] == "message.delta" for e in events[:-1])
    whole = client.post("/v1/chat", json=body).json()
    assert whole["finish_reason"] == "error"
    assert whole["response"] == "".join(e["data"]["content"] for e in events[:-1])
