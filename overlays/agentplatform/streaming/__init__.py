"""Typed, resumable event streams: what `client.chat.stream(...)` returns.

```python
with client.chat.stream("Who wrote the first program?") as stream:
    for text in stream.text_deltas():
        print(text, end="", flush=True)
    reply = stream.final_response()
```

The body is parsed by `agentplatform.sse` and each event is turned into its model:
`message.delta` into a `ChatDelta`, `message.completed` into a `ChatResponse`; an `error`
event raises `StreamError`, and an event name this version does not know is yielded as
an `UnknownStreamEvent`. A connection that drops (or ends before `message.completed`) is
resumed: the same request, with the same `Idempotency-Key`, is sent again with
`Last-Event-ID`, and events the server repeats are skipped, so none is lost or doubled.
The request is sent when the `with` block starts (or at the first iteration); leaving
the block, breaking out of a loop over the stream, or `close()` closes the connection.
"""

from __future__ import annotations

from ._async import AsyncChatStream
from ._call import StreamCall
from ._chat import chat_stream_call as chat_stream_call  # used by resources.chat
from ._events import ChatStreamEvent, UnknownStreamEvent
from ._sync import ChatStream

__all__ = [
    "AsyncChatStream",
    "ChatStream",
    "ChatStreamEvent",
    "StreamCall",
    "UnknownStreamEvent",
]
