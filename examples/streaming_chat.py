"""Streaming chat: print the assistant's reply token by token as it arrives.

`client.chat.stream(...)` is a context manager: iterate it for typed events, or use
`text_deltas()` for just the text and `final_response()` for the whole reply. A dropped
connection is resumed where it stopped, so the text is never cut, doubled or garbled;
leaving the `with` block closes the connection.

Run against the sandbox:  agentplatform sandbox --port 8080  (in another terminal)
                          AGENTPLATFORM_BASE_URL=http://127.0.0.1:8080 \
                          AGENTPLATFORM_API_KEY=sk_test_sandbox_0000 python streaming_chat.py
"""

from __future__ import annotations

import asyncio
import sys

import agentplatform as ap
from agentplatform.streaming import UnknownStreamEvent
from agentplatform.types import ChatDelta, ChatResponse

QUESTION = "How do agents use graph memory?"


def main(question: str) -> None:
    with ap.Client() as client:
        print(f"you: {question}")
        print("assistant: ", end="", flush=True)
        with client.chat.stream(question) as stream:
            for text in stream.text_deltas():
                print(text, end="", flush=True)
            reply = stream.final_response()
        print()
        print(
            f"({reply.usage.completion_tokens} tokens, finish_reason={reply.finish_reason}, "
            f"resumed {stream.resumes} times, request id {stream.request_id})"
        )

        # The typed events themselves; an event type newer than this SDK is not an error.
        deltas = 0
        with client.chat.stream("Tell me more.", conversation_id=reply.conversation_id) as stream:
            for event in stream:
                if isinstance(event, ChatDelta):
                    deltas += 1
                elif isinstance(event, ChatResponse):
                    print(f"events: {deltas} deltas, then message.completed ({event.message_id})")
                elif isinstance(event, UnknownStreamEvent):
                    print(f"  (skipping a {event.name!r} event)")

        # A reply that fails part-way raises StreamError (the sandbox's assistant fails
        # when a message contains "!error").
        received = []
        try:
            with client.chat.stream("Please fail !error") as stream:
                received.extend(stream.text_deltas())
        except ap.StreamError as error:
            code = error.problem.code if error.problem else None
            print(
                f"StreamError after {len(received)} deltas: code={code}, "
                f"retryable={error.retryable}"
            )


async def main_async(question: str) -> None:
    async with ap.AsyncClient() as client, client.chat.stream(question) as stream:
        pieces = [text async for text in stream.text_deltas()]
        reply = await stream.final_response()
    print(f"async: {len(pieces)} deltas, same text: {''.join(pieces) == reply.response}")


if __name__ == "__main__":
    asked = " ".join(sys.argv[1:]) or QUESTION
    main(asked)
    asyncio.run(main_async(asked))
