"""Record every call of an OpenAI client as an LLM event, with one line: `instrument()`.

`instrument(openai_client, telemetry=client.telemetry)` makes each chat completion
(plain or streamed) enqueue one LLM event on the agentplatform client: model, prompt
and response text (here passed through the built-in PII redactor), tokens, finish
reason, latency and time to first token, cost in USD, and errors. The OpenAI client's
results, streams and exceptions stay exactly its own.

To run offline, this example serves a small stand-in for the OpenAI API on a loopback
port; with OPENAI_API_KEY set it calls the real API instead. Needs the `openai` extra.

Run against the sandbox:  agentplatform sandbox --port 8080  (in another terminal)
                          AGENTPLATFORM_BASE_URL=http://127.0.0.1:8080 \\
                          AGENTPLATFORM_API_KEY=sk_test_sandbox_0000 python openai_wrapper.py
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import agentplatform as ap
import openai
from agentplatform.integrations import redact_pii
from agentplatform.integrations.openai import instrument
from agentplatform.telemetry import TelemetryConfig


class StandIn(BaseHTTPRequestHandler):
    """A tiny offline OpenAI API: `POST /v1/chat/completions`, JSON or streamed."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        question = body["messages"][-1]["content"]
        if "fail" in question:
            self._send(429, "application/json", {"error": {"message": "Rate limit reached"}})
            return
        answer = f"A short answer to: {question}"
        usage = {"prompt_tokens": len(question.split()) + 3, "completion_tokens": 6}
        usage["total_tokens"] = usage["prompt_tokens"] + 6
        base = {"id": "chatcmpl-demo", "created": 0, "model": body["model"]}
        if not body.get("stream"):
            message = {"role": "assistant", "content": answer}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            reply = {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
            self._send(200, "application/json", reply)
            return
        chunks = [{"index": 0, "delta": {"content": w + " "}} for w in answer.split()]
        chunks.append({"index": 0, "delta": {}, "finish_reason": "stop"})
        events = [{**base, "object": "chat.completion.chunk", "choices": [c]} for c in chunks]
        events.append({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send(200, "text/event-stream", text)

    def _send(self, status: int, kind: str, payload: Any) -> None:
        data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


def openai_client() -> openai.OpenAI:
    """The real API with OPENAI_API_KEY set, else the stand-in on a loopback port."""
    if os.environ.get("OPENAI_API_KEY"):
        return openai.OpenAI(max_retries=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    return openai.OpenAI(api_key="sk-offline-demo", base_url=url, max_retries=0)


def main() -> None:
    config = TelemetryConfig(service_name="chat-app", flush_interval=0.5)
    with ap.Client(telemetry=config) as client, openai_client() as llm:
        instrument(llm, telemetry=client.telemetry, redact=redact_pii)
        for question in ("What is a vector index?", "Mail the summary to ann@example.com"):
            reply = llm.chat.completions.create(
                model="gpt-4o-mini",
                messages=[
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": question},
                ],
                temperature=0.2,
            )
            print(f"assistant: {reply.choices[0].message.content}")
        stream = llm.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "How do retries work?"}],
            stream=True,
            stream_options={"include_usage": True},  # token counts (and cost) for streams
        )
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        print(f"streamed ({type(stream).__name__}): {text.strip()}")
        try:
            llm.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "please fail"}]
            )
        except openai.RateLimitError as exc:
            print(f"the call failed and was recorded: {type(exc).__name__}")
        print(f"delivered: {client.telemetry.flush(timeout=30)}")
        stats = client.telemetry.stats()
        print(f"LLM events sent: {stats.sent}, failed: {stats.failed}, dropped: {stats.dropped}")


if __name__ == "__main__":
    main()
