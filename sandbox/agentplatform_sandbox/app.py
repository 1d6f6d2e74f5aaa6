"""The ASGI application: routing by the spec and the request pipeline.

Order of work for each request: route (404/405), body size (413, the operation's
`x-max-body-bytes`), faults, authentication and tenant (401/403), rate limit (429),
parameter and body validation (400/422/413; sizes before the schema, on a worker
thread so a slow body never holds up other requests), idempotency replay (409 on a
reused key), the operation's handler (501 for an operation of the spec that has none),
optional response validation. Every response carries `X-Request-ID`.

Paths under `/console` go to the console (`console.ConsoleApp`) before all of that:
no faults, rate limit or request log, so looking does not change what is shown.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers

from .auth import DEFAULT_TENANT, ApiKeyRecord, authorize
from .body import decompress, parse_json, receive_body
from .config import SandboxConfig
from .console import ConsoleApp, is_console_path
from .context import RequestContext
from .domains import HANDLERS
from .faults import ConnectionDropped, FaultInjector, drop_connection
from .idempotency import fingerprint
from .ids import new_id
from .problems import ApiError, problem_body
from .ratelimit import RateLimiter
from .replies import Reply, StreamReply
from .routing import Router
from .spec import Operation, load_spec, operations, spec_text
from .state import RequestRecord, SandboxState
from .transport import parse_last_event_id, send_reply, send_stream
from .validation import CompiledOperation, compiled, reply_problems
from .worker import BackgroundWorker

logger = logging.getLogger("agentplatform_sandbox")

Scope = dict[str, Any]


@dataclass
class _Exchange:
    """What is known about one request as it moves through the pipeline."""

    scope: Scope
    request_id: str
    method: str
    path: str
    headers: Headers
    operation: Operation | None = None
    key: ApiKeyRecord | None = None
    idempotency_key: str | None = None
    replayed: bool = False
    fault: str | None = None
    status: int = 0
    started: bool = False
    logged: bool = False


def unhandled_operations(ops: tuple[Operation, ...] | None = None) -> tuple[str, ...]:
    """The operationIds of the spec (or of `ops`) that no handler implements, sorted."""
    found = operations() if ops is None else ops
    return tuple(sorted({op.operation_id for op in found} - set(HANDLERS)))


class SandboxApp:
    """The sandbox as an ASGI application (serve it with uvicorn, or use `Sandbox`).

    `unhandled` names the operations of the spec without a handler: they are logged
    as a warning here and answered with a 501 problem, so a new operation in
    openapi.yaml never stops the sandbox from starting.
    """

    def __init__(
        self,
        state: SandboxState | None = None,
        config: SandboxConfig | None = None,
        faults: FaultInjector | None = None,
    ) -> None:
        self.state = state or SandboxState()
        self.config = config or SandboxConfig()
        self.faults = faults or FaultInjector()
        self.rate_limiter = RateLimiter(self.config.rate_limit_per_min)
        self.worker = BackgroundWorker(self.state, self.config)
        self.operations = operations()
        self.router = Router(self.operations)
        self.unhandled = unhandled_operations(self.operations)
        if self.unhandled:
            logger.warning(
                "operations of openapi.yaml without a handler answer 501: %s",
                ", ".join(self.unhandled),
            )
        for op in self.operations:
            compiled(op)
        self.console = ConsoleApp(
            self.state,
            self.faults,
            enabled=self.config.console,
            off_reason=self.config.console_off_reason,
        )

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.worker.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(self.worker.stop)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Any, send: Any) -> None:
        if is_console_path(scope["path"]):
            await self.console(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        exchange = _Exchange(
            scope=scope,
            request_id=new_id("req"),
            method=scope["method"],
            path=raw_path.decode("latin-1").split("?")[0],
            headers=Headers(scope=scope),
        )
        try:
            reply, resume_after = await self._handle(exchange, receive, send)
            if reply is not None:
                await self._send(exchange, send, reply, resume_after)
        except ApiError as error:
            await self._send(exchange, send, self._problem(exchange, error), 0)
        except ConnectionDropped:
            raise
        except Exception:
            logger.exception("sandbox failed on %s %s", exchange.method, exchange.path)
            if exchange.started:
                raise
            failure = ApiError(500, "internal_error", "The sandbox failed; see its log.")
            await self._send(exchange, send, self._problem(exchange, failure), 0)
        finally:
            if not exchange.logged:
                self._log(exchange)

    def body_limit(self, op: Operation | None) -> int:
        """The largest body `op` accepts: its `x-max-body-bytes`, within the config's."""
        ceiling = self.config.max_body_bytes
        if op is None or op.max_body_bytes is None:
            return ceiling
        return min(op.max_body_bytes, ceiling)

    async def _read_body(self, receive: Any, limit: int) -> bytes:
        """The whole body; past `limit` it is still read (so the client gets the
        answer) but not kept, and the answer is 413."""
        body = await receive_body(receive, limit)
        if body is None:
            raise ApiError(
                413, "body_too_large", f"This operation accepts bodies of at most {limit} bytes."
            )
        return body

    def _read_json(self, checker: CompiledOperation, raw_body: bytes, headers: Headers) -> Any:
        """Decode, parse and validate a body (blocking: run it on a worker thread)."""
        op = checker.operation
        limit = self.body_limit(op)
        decoded = decompress(raw_body, headers.get("content-encoding", ""), limit)
        body = parse_json(decoded, headers, op.body_required)
        checker.validate_body(body)
        return body

    async def _handle(
        self, exchange: _Exchange, receive: Any, send: Any
    ) -> tuple[Reply | StreamReply | None, int]:
        """Run the pipeline; None means the connection was dropped."""
        if exchange.method == "GET" and exchange.path in ("/openapi.json", "/openapi.yaml"):
            return self._spec_reply(exchange), 0
        try:
            op, path_params = self.router.route(exchange.method, exchange.path)
        except ApiError:
            await self._read_body(receive, self.body_limit(None))
            raise
        exchange.operation = op
        raw_body = await self._read_body(receive, self.body_limit(op))
        if exchange.method == "POST":
            # Logged even when a fault answers first, so tests can follow keys across retries.
            exchange.idempotency_key = exchange.headers.get("idempotency-key")
        faulty = self.faults.applies(exchange.path)
        if faulty:
            if self.faults.should_drop():
                exchange.fault = "dropped"
                await self._drop(exchange, send)
                return None, 0
            latency_ms = self.faults.faults.latency_ms
            if latency_ms > 0:
                exchange.fault = f"latency {latency_ms:g} ms"
                await asyncio.sleep(latency_ms / 1000)
            injected = self.faults.injected_error(exchange.path)
            if injected is not None:
                exchange.fault = _joined(exchange.fault, f"HTTP {injected.status}")
                raise injected
        tenant_id = self._authenticate(exchange)
        checker = compiled(op)
        query = dict(
            urllib.parse.parse_qsl(
                exchange.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
            )
        )
        params = checker.validate_parameters(path_params, query, exchange.headers)
        body = None
        if op.body_schema is not None:
            body = await asyncio.to_thread(self._read_json, checker, raw_body, exchange.headers)
        if op.operation_id not in HANDLERS:
            raise ApiError(
                501,
                "not_implemented",
                f"The sandbox has no handler for {op.operation_id} of openapi.yaml yet.",
            )
        resume_after = parse_last_event_id(params.get("Last-Event-ID"))
        exchange.idempotency_key = (
            params.get("Idempotency-Key") if exchange.method == "POST" else None
        )
        digest = ""
        reply = None
        if exchange.idempotency_key is not None:
            digest = fingerprint(exchange.method, exchange.path, body)
            reply = self.state.idempotency.lookup(
                tenant_id, exchange.idempotency_key, digest, self.state.clock.now()
            )
            exchange.replayed = reply is not None
        if reply is None:
            reply = self._run(exchange, op, params, body=body, tenant_id=tenant_id, digest=digest)
        if self.config.validate_responses:
            reply = self._validated(exchange, op, reply)
        if faulty and self.faults.should_drop(after=True):
            exchange.fault = _joined(exchange.fault, "dropped after handling")
            await self._drop(exchange, send)
            return None, 0
        return reply, resume_after

    async def _drop(self, exchange: _Exchange, send: Any) -> None:
        """Log the request (status 0), then close its connection without a response."""
        self._log(exchange)
        await drop_connection(send)

    def _authenticate(self, exchange: _Exchange) -> str:
        op = exchange.operation
        tenant_header = exchange.headers.get("x-tenant-id")
        if op is None or not op.secured:
            return tenant_header or DEFAULT_TENANT
        secret = exchange.headers.get("x-api-key")
        key = self.state.key_by_secret(secret) if secret else None
        exchange.key = authorize(
            key, tenant_header, exchange.method, exchange.path, self.state.clock.now()
        )
        wait = self.rate_limiter.acquire(exchange.key.id)
        if wait is not None:
            raise ApiError(
                429,
                "rate_limited",
                f"This API key may send {self.rate_limiter.per_minute} requests a minute; "
                f"retry in {wait} s.",
                headers={"Retry-After": str(wait)},
            )
        return exchange.key.tenant_id

    def _run(
        self,
        exchange: _Exchange,
        op: Operation,
        params: dict[str, Any],
        *,
        body: Any,
        tenant_id: str,
        digest: str,
    ) -> Reply | StreamReply:
        """The handler's reply, kept for its idempotency key; with a data dir, the
        request's writes are one transaction, committed before the reply is sent."""
        with self.state.transaction():
            reply = self._dispatch(exchange, op, params, body, tenant_id)
            if exchange.idempotency_key is not None and reply.status < 500:
                self.state.idempotency.save(
                    tenant_id, exchange.idempotency_key, digest, reply, self.state.clock.now()
                )
        return reply

    def _dispatch(
        self, exchange: _Exchange, op: Operation, params: dict[str, Any], body: Any, tenant_id: str
    ) -> Reply | StreamReply:
        ctx = RequestContext(
            state=self.state,
            config=self.config,
            operation_id=op.operation_id,
            method=exchange.method,
            path=exchange.path,
            params=params,
            body=body,
            tenant_id=tenant_id,
            key=exchange.key,
            request_id=exchange.request_id,
            headers=exchange.headers,
        )
        try:
            return HANDLERS[op.operation_id](ctx)
        except ApiError as error:
            return self._problem(exchange, error)

    def _validated(
        self, exchange: _Exchange, op: Operation, reply: Reply | StreamReply
    ) -> Reply | StreamReply:
        problems = reply_problems(op, reply, {**reply.headers, "X-Request-ID": exchange.request_id})
        if not problems:
            return reply
        logger.error("response of %s breaks the spec: %s", op.operation_id, problems)
        detail = "The sandbox's response breaks openapi.yaml: " + "; ".join(problems)
        return self._problem(exchange, ApiError(500, "invalid_response", detail))

    def _problem(self, exchange: _Exchange, error: ApiError) -> Reply:
        body = problem_body(
            error.status,
            error.code,
            error.detail,
            instance=exchange.path,
            request_id=exchange.request_id,
            errors=error.errors,
        )
        return Reply(error.status, body, dict(error.headers), "application/problem+json")

    def _spec_reply(self, exchange: _Exchange) -> Reply:
        if exchange.path == "/openapi.yaml":
            return Reply(200, media_type="application/yaml", raw=spec_text().encode())
        document = dict(load_spec())
        host = exchange.headers.get("host")
        if host:
            document["servers"] = [{"url": f"http://{host}", "description": "This sandbox"}]
        return Reply(200, document)

    async def _send(
        self, exchange: _Exchange, send: Any, reply: Reply | StreamReply, resume_after: int
    ) -> None:
        exchange.status = reply.status
        exchange.started = True
        self._log(exchange)
        headers = {**reply.headers, "X-Request-ID": exchange.request_id}
        if exchange.replayed:
            headers["Idempotent-Replayed"] = "true"
        if isinstance(reply, Reply):
            await send_reply(send, reply, headers)
            return
        faulty = self.faults.applies(exchange.path)
        await send_stream(
            send,
            reply,
            headers,
            resume_after=resume_after,
            cut_after=self.faults.faults.cut_stream_after if faulty else None,
            delay_s=self.config.stream_token_delay_s,
        )

    def _log(self, exchange: _Exchange) -> None:
        exchange.logged = True
        tenant_id = exchange.key.tenant_id if exchange.key else None
        if tenant_id is None and exchange.fault is not None:
            # A fault answered before authentication: credit the request to the key's tenant.
            secret = exchange.headers.get("x-api-key")
            caller = self.state.key_by_secret(secret) if secret else None
            tenant_id = caller.tenant_id if caller else None
        self.state.record_request(
            RequestRecord(
                request_id=exchange.request_id,
                method=exchange.method,
                path=exchange.path,
                operation_id=exchange.operation.operation_id if exchange.operation else None,
                status=exchange.status,
                tenant_id=tenant_id,
                api_key_id=exchange.key.id if exchange.key else None,
                idempotency_key=exchange.idempotency_key,
                replayed=exchange.replayed,
                workspace_id=exchange.headers.get("x-workspace-id"),
                at=self.state.clock.now(),
                fault=exchange.fault,
            )
        )


def _joined(first: str | None, second: str) -> str:
    return second if first is None else f"{first}; {second}"
