"""`AgentPlatformCallbackHandler`: LangChain runs as LLM events and agent events.

```python
from agentplatform.integrations.langchain import AgentPlatformCallbackHandler

handler = AgentPlatformCallbackHandler(client, agent_id="support-agent")
chain.invoke({"question": "..."}, config={"callbacks": [handler]})
```

Chat-model and LLM runs become LLM events (model, prompt, response, tokens from the
run's usage, finish reason, latency, time to first token when streamed, cost, errors).
Chains, tools and agents become agent events on `client.events.buffered`: a chain's
start and end are `task_started` and `task_completed`, a tool run is one `tool_call`,
an agent's actions and finish are `custom` events, and any failed run is an `error`.
Each run's span id is cut from its run id, its parent run's span is its
`parent_span_id`, and a whole run tree shares one trace id: the surrounding `traced()`
block's or OpenTelemetry span's when there is one, else the root run's id. Inputs and
outputs are summarised (and redacted) unless `capture_content=False`. Needs the
`langchain` extra.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, cast
from uuid import UUID

from ..errors import InvalidParameterError
from ..telemetry import summarize
from ._context import enclosing_trace
from ._langchain_runs import (
    LangChainProvider,
    message_line,
    model_of,
    name_of,
    session_from,
    span_of,
)
from ._record import CallRecord, Options, describe, redacted
from ._requires import require
from ._setup import InstrumentOptions, checked_options
from ._sink import logger

require("langchain_core.callbacks", "langchain")
from langchain_core.callbacks import BaseCallbackHandler  # noqa: E402

__all__ = ["AgentPlatformCallbackHandler"]

MAX_OPEN_RUNS = 10_000


class _Run:
    __slots__ = (
        "kind",
        "name",
        "parent_span",
        "payload",
        "record",
        "session",
        "span",
        "started",
        "trace",
    )

    def __init__(
        self, kind: str, name: str, *, trace: str, span: str, parent: str | None, session: str
    ) -> None:
        self.kind, self.name = kind, name
        self.trace, self.span, self.parent_span = trace, span, parent
        self.session = session
        self.started = time.perf_counter()
        self.record: CallRecord | None = None
        self.payload: Any = None


class AgentPlatformCallbackHandler(BaseCallbackHandler):
    """A LangChain callback handler that records runs on an agentplatform client.

    Args:
        client: an agentplatform `Client` or `AsyncClient` (its `telemetry` and
            `events.buffered` receive the records).
        agent_id: the agent events' `agent_id`.
        session_id: the agent events' `session_id` (default: the run's `session_id`
            or `thread_id` metadata, else the root run's id).

    Keyword Args:
        service, capture_content, redact, prices, metadata: as for
            `agentplatform.integrations.openai.instrument` (`otel` is not supported).
    """

    run_inline = True

    def __init__(
        self,
        client: Any,
        *,
        agent_id: str = "langchain",
        session_id: str | None = None,
        **options: Any,
    ) -> None:
        telemetry = getattr(client, "telemetry", None)
        buffered = getattr(getattr(client, "events", None), "buffered", None)
        if telemetry is None or buffered is None:
            raise InvalidParameterError(
                "client", f"expected an agentplatform Client or AsyncClient, got {client!r}."
            )
        if options.get("otel"):
            raise InvalidParameterError("otel", "is not supported by the LangChain handler.")
        if not isinstance(agent_id, str) or not agent_id:
            raise InvalidParameterError("agent_id", "expected a non-empty string.")
        self._options: Options = checked_options(
            LangChainProvider(), None, telemetry, cast(InstrumentOptions, options)
        )
        self._ingest: Callable[..., Any] = getattr(buffered, "ingest_nowait", buffered.ingest)
        self._agent_id = agent_id
        self._session_id = session_id
        self._runs: OrderedDict[UUID, _Run] = OrderedDict()
        self._lock = threading.Lock()  # LangChain calls handlers from worker threads too

    # ------------------------------------------------------------------ runs

    def _open(
        self,
        kind: str,
        name: str,
        run_id: UUID,
        parent_run_id: UUID | None,
        metadata: Mapping[str, Any] | None,
    ) -> _Run:
        parent = self._runs.get(parent_run_id) if parent_run_id is not None else None
        if parent is not None:
            trace, session = parent.trace, parent.session
        else:
            context = enclosing_trace()
            trace = context.trace_id if context is not None else run_id.hex
            session = self._session_id or session_from(metadata) or run_id.hex
        run = _Run(
            kind,
            name,
            trace=trace,
            span=span_of(run_id),
            parent=parent.span if parent else None,
            session=session,
        )
        if parent is None and parent_run_id is not None:
            run.parent_span = span_of(parent_run_id)
        with self._lock:
            self._runs[run_id] = run
            while len(self._runs) > MAX_OPEN_RUNS:
                self._runs.popitem(last=False)
        return run

    def _event(self, run: _Run, type_: str, run_id: UUID, **attributes: Any) -> None:
        body: dict[str, Any] = {
            "run_type": run.kind,
            "name": run.name,
            "run_id": str(run_id),
        }
        if run.parent_span is not None:
            body["parent_span_id"] = run.parent_span
        body.update({k: v for k, v in attributes.items() if v is not None})
        try:
            self._ingest(
                agent_id=self._agent_id,
                session_id=run.session,
                type=type_,
                trace_id=run.trace,
                span_id=run.span,
                attributes=body,
            )
        except Exception:
            logger.exception("could not record a LangChain %s event", type_)

    def _content(self, value: Any) -> str | None:
        if not self._options.capture_content:
            return None
        try:
            text = json.dumps(summarize(value), default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
        return redacted(self._options.redact, text)

    def _close(self, run_id: UUID) -> tuple[_Run | None, float]:
        with self._lock:
            run = self._runs.pop(run_id, None)
        elapsed = (time.perf_counter() - run.started) * 1000.0 if run is not None else 0.0
        return run, elapsed

    def _failed(self, error: BaseException, run_id: UUID) -> None:
        run, elapsed = self._close(run_id)
        if run is None:
            return
        if run.record is not None:
            run.record.finish(error=error)
            return
        message = redacted(self._options.redact, describe(error))
        self._event(
            run,
            "error",
            run_id,
            error=message,
            error_type=type(error).__name__,
            latency_ms=elapsed,
        )

    # ------------------------------------------------------------ LLM runs

    def _llm_start(
        self,
        *,
        serialized: Mapping[str, Any] | None,
        prompt: str,
        run_id: UUID,
        parent_run_id: UUID | None,
        metadata: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
    ) -> None:
        model = model_of(serialized, metadata or {}, kwargs)
        run = self._open("llm", model, run_id, parent_run_id, metadata)
        params = dict(kwargs.get("invocation_params") or {})
        body = {**params, "model": model, "prompt": prompt}
        extra = {"run_id": str(run_id)}
        if run.parent_span:
            extra["parent_span_id"] = run.parent_span
        provider = (metadata or {}).get("ls_provider")
        if isinstance(provider, str):
            extra["llm_provider"] = provider
        record = CallRecord(
            self._options,
            "llm",
            body,
            stream=False,
            trace=(run.trace, run.span),
            metadata=extra,
        )
        run.record = record

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """A text-completion LLM run starts."""
        self._llm_start(
            serialized=serialized,
            prompt="\n".join(prompts),
            run_id=run_id,
            parent_run_id=parent_run_id,
            metadata=metadata,
            kwargs=kwargs,
        )

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """A chat-model run starts."""
        prompt = "\n".join(message_line(m) for batch in messages for m in batch)
        self._llm_start(
            serialized=serialized,
            prompt=prompt,
            run_id=run_id,
            parent_run_id=parent_run_id,
            metadata=metadata,
            kwargs=kwargs,
        )

    def on_llm_new_token(self, token: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """A streamed token (for the time to first token)."""
        run = self._runs.get(run_id)
        if run is not None and run.record is not None:
            run.record.chunk(token)

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """An LLM run ends: its LLM event."""
        run, _ = self._close(run_id)
        if run is not None and run.record is not None:
            run.record.returned(response)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """An LLM run fails: its LLM event, with the error."""
        self._failed(error, run_id)

    # --------------------------------------------------- chains, tools, agents

    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """A chain starts: `task_started`."""
        name = kwargs.get("name") or name_of(serialized, "chain")
        run = self._open("chain", name, run_id, parent_run_id, metadata)
        self._event(run, "task_started", run_id, inputs=self._content(inputs))

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """A chain ends: `task_completed`."""
        run, elapsed = self._close(run_id)
        if run is not None:
            self._event(
                run, "task_completed", run_id, outputs=self._content(outputs), latency_ms=elapsed
            )

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """A chain fails: `error`."""
        self._failed(error, run_id)

    def on_tool_start(
        self,
        serialized: dict[str, Any] | None,
        input_str: str,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """A tool run starts (its `tool_call` event is sent when it ends)."""
        name = kwargs.get("name") or name_of(serialized, "tool")
        run = self._open("tool", name, run_id, parent_run_id, metadata)
        run.payload = inputs if inputs is not None else input_str

    def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """A tool run ends: `tool_call` with its input and output."""
        run, elapsed = self._close(run_id)
        if run is not None:
            self._event(
                run,
                "tool_call",
                run_id,
                tool=run.name,
                input=self._content(run.payload),
                output=self._content(output),
                latency_ms=elapsed,
            )

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """A tool run fails: `error`."""
        self._failed(error, run_id)

    def on_agent_action(self, action: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """An agent decides on a tool: a `custom` event of its run."""
        self._agent_event(
            "agent_action",
            run_id,
            tool=getattr(action, "tool", None),
            tool_input=self._content(getattr(action, "tool_input", None)),
        )

    def on_agent_finish(self, finish: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """An agent finishes: a `custom` event of its run."""
        self._agent_event(
            "agent_finish", run_id, outputs=self._content(getattr(finish, "return_values", None))
        )

    def _agent_event(self, what: str, run_id: UUID, **attributes: Any) -> None:
        run = self._runs.get(run_id)
        if run is None:  # an agent run this handler did not see start
            run = self._open("agent", "agent", run_id, None, None)
            self._close(run_id)
        self._event(run, "custom", run_id, langchain_event=what, **attributes)
