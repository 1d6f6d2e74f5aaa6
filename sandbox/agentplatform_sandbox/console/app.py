"""`ConsoleApp`: the ASGI handler of everything under `/console`.

Pages need a console session (a cookie); the JSON views under `/console/api/` also
take the API's own `X-API-Key` (and `X-Tenant-ID`) headers. Nothing here goes
through the API's fault injection, rate limit or request log, so looking at the
sandbox does not change what it shows.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers

from ..auth import ApiKeyRecord, authorize
from ..faults import FaultInjector
from ..problems import ApiError, problem_body
from ..state import SandboxState
from . import telemetry, views
from .assets import page, static_files
from .http import (
    cookie,
    form_fields,
    query_fields,
    read_body,
    redirect,
    respond,
    respond_json,
    respond_text,
)
from .live import change_stamp, stream_changes
from .sessions import COOKIE_NAME, ConsoleSessions, cleared_cookie, session_cookie

PREFIX = "/console"
HTML = "text/html; charset=utf-8"
LOGIN_FAILED = "That API key is unknown or has expired."
CODE_FAILED = "That sign-in link was already used or has expired; paste the API key instead."

View = Callable[[SandboxState, FaultInjector, ApiKeyRecord], dict[str, Any]]
VIEWS: dict[str, View] = {
    "overview": views.overview,
    "graph": lambda state, _faults, key: views.graph(state, key),
    "events": lambda state, _faults, key: views.events(state, key),
    "telemetry": lambda state, _faults, key: telemetry.telemetry(state, key),
    "research": lambda state, _faults, key: views.research(state, key),
    "webhooks": lambda state, _faults, key: views.webhooks(state, key),
    "requests": lambda state, _faults, key: views.requests(state, key),
}
"""The JSON views under `/console/api/`, by name."""


def is_console_path(path: str) -> bool:
    """Whether a request path belongs to the console."""
    return path == PREFIX or path.startswith(PREFIX + "/")


class ConsoleApp:
    """The console of one sandbox.

    Args:
        state: the sandbox's state (read under its lock).
        faults: the sandbox's fault injector (shown on the overview).
        enabled: serve the console; when False every console path answers 404 with
            `off_reason`.
        off_reason: why the console is off, shown to whoever asks for it.
    """

    def __init__(
        self,
        state: SandboxState,
        faults: FaultInjector,
        *,
        enabled: bool = True,
        off_reason: str = "The console is off.",
    ) -> None:
        self.state = state
        self.faults = faults
        self.enabled = enabled
        self.off_reason = off_reason
        self.sessions = ConsoleSessions()

    def login_path(self, api_key: str) -> str:
        """A one-time sign-in path (`/console/login?code=...`) for the key `api_key`."""
        key = self.state.key_by_secret(api_key)
        if key is None:
            raise ValueError("no API key of this sandbox has that secret")
        return f"{PREFIX}/login?code={self.sessions.issue_code(key.id)}"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if not self.enabled:
            await respond_text(send, 404, self.off_reason)
            return
        headers = Headers(scope=scope)
        if path in (PREFIX, PREFIX + "/"):
            await self._index(send, headers)
        elif path == PREFIX + "/login":
            await self._login(scope, receive, send, headers)
        elif path == PREFIX + "/logout" and method == "POST":
            session_id = cookie(headers, COOKIE_NAME)
            if session_id:
                self.sessions.close(session_id)
            await redirect(send, PREFIX + "/login", {"Set-Cookie": cleared_cookie()})
        elif path.startswith(PREFIX + "/static/") and method == "GET":
            await self._static(send, path.removeprefix(PREFIX + "/static/"))
        elif path.startswith(PREFIX + "/api/") and method == "GET":
            await self._api(receive, send, headers, path.removeprefix(PREFIX + "/api/"))
        else:
            await respond_text(send, 404, f"The console has no page at {path}.")

    def caller(self, headers: Headers) -> ApiKeyRecord:
        """The key a request acts as: `X-API-Key` if sent, else the session's; or 401/403."""
        now = self.state.clock.now()
        secret = headers.get("x-api-key")
        if secret:
            key = self.state.key_by_secret(secret)
            return authorize(key, headers.get("x-tenant-id"), "GET", "/v1/entities", now)
        session_id = cookie(headers, COOKIE_NAME)
        key_id = self.sessions.key_id(session_id) if session_id else None
        with self.state.lock:
            key = self.state.api_keys.get(key_id) if key_id else None
        if key is None:
            raise ApiError(401, "unauthorized", "Sign in to the console, or send X-API-Key.")
        return authorize(key, None, "GET", "/v1/entities", now)

    async def _index(self, send: Any, headers: Headers) -> None:
        try:
            self.caller(headers)
        except ApiError:
            await redirect(send, PREFIX + "/login")
            return
        await respond(send, 200, page("index.html").encode(), HTML, {"Cache-Control": "no-store"})

    async def _login_page(self, send: Any, status: int, message: str = "") -> None:
        body = page("login.html").replace("{{message}}", html.escape(message))
        await respond(send, status, body.encode(), HTML, {"Cache-Control": "no-store"})

    async def _login(
        self, scope: dict[str, Any], receive: Any, send: Any, headers: Headers
    ) -> None:
        session_id: str | None = None
        if scope["method"] == "POST":
            if not _same_origin(headers):
                await respond_text(send, 403, "Sign in from the console's own page.")
                return
            body = await read_body(receive)
            secret = form_fields(body).get("api_key", "").strip() if body is not None else ""
            key = self.state.key_by_secret(secret) if secret else None
            try:
                authorize(key, None, "GET", "/v1/entities", self.state.clock.now())
            except ApiError:
                await self._login_page(send, 401, LOGIN_FAILED)
                return
            assert key is not None
            session_id = self.sessions.open(key.id)
        elif scope["method"] == "GET":
            code = query_fields(scope).get("code")
            if code is None:
                await self._login_page(send, 200)
                return
            session_id = self.sessions.redeem(code)
            if session_id is None:
                await self._login_page(send, 401, CODE_FAILED)
                return
        else:
            await respond_text(send, 405, "Use GET or POST.")
            return
        await redirect(send, PREFIX + "/", {"Set-Cookie": session_cookie(session_id)})

    async def _static(self, send: Any, name: str) -> None:
        found = static_files().get(name)
        if found is None:
            await respond_text(send, 404, f"No console file {name}.")
            return
        content, kind = found
        await respond(send, 200, content, kind, {"Cache-Control": "no-cache"})

    async def _api(self, receive: Any, send: Any, headers: Headers, name: str) -> None:
        try:
            key = self.caller(headers)
        except ApiError as error:
            problem = problem_body(error.status, error.code, error.detail)
            await respond_json(send, error.status, problem)
            return
        if name == "changes":
            tenant = key.tenant_id
            await stream_changes(
                receive, send, lambda: change_stamp(self.state, self.faults, tenant)
            )
            return
        view = VIEWS.get(name)
        if view is None:
            problem = problem_body(404, "not_found", f"No console view {name}.")
            await respond_json(send, 404, problem)
            return
        await respond_json(send, 200, view(self.state, self.faults, key))


def _same_origin(headers: Headers) -> bool:
    """False when the browser says the form came from another origin."""
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")
