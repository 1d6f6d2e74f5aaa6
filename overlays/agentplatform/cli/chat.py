"""`agentplatform chat "..."`: stream the assistant's reply to the terminal."""

from __future__ import annotations

import sys

from . import EXIT_OK
from ._clients import make_client
from ._output import emit_json


def chat(
    message: str,
    *,
    conversation_id: str | None,
    model: str | None,
    user_id: str | None,
    profile: str | None,
    base_url: str | None,
    json_output: bool,
) -> int:
    """Print each token as it arrives (or, with `json_output`, only the final reply as JSON)."""
    with (
        make_client(profile, base_url) as client,
        client.chat.stream(
            message, conversation_id=conversation_id, model=model, user_id=user_id
        ) as stream,
    ):
        if json_output:
            emit_json(stream.final_response().to_dict())
            return EXIT_OK
        printed = False
        try:
            for text in stream.text_deltas():
                sys.stdout.write(text)
                sys.stdout.flush()
                printed = True
        finally:
            if printed:  # end the line, also when the stream fails part-way
                sys.stdout.write("\n")
                sys.stdout.flush()
        reply = stream.final_response()
    if sys.stderr.isatty():
        usage = reply.usage
        print(
            f"[conversation {reply.conversation_id}, {usage.prompt_tokens} prompt + "
            f"{usage.completion_tokens} completion tokens]",
            file=sys.stderr,
        )
    return EXIT_OK
