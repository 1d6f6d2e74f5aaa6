"""The background thread: advances research jobs and delivers signed webhooks."""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
import urllib.parse

import httpx

from .config import SandboxConfig
from .domains.research import advance_all
from .signing import sign
from .state import DeliveryRecord, SandboxState

logger = logging.getLogger("agentplatform_sandbox")
TICK_S = 0.05


def is_loopback_url(url: str) -> bool:
    """Whether `url` points at this machine (localhost or a loopback address)."""
    try:
        host = urllib.parse.urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BackgroundWorker:
    """Runs while the server runs; `start` and `stop` may be repeated."""

    def __init__(self, state: SandboxState, config: SandboxConfig) -> None:
        self.state = state
        self.config = config
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        with self.state.changed:
            self.state.changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.config.webhook_timeout_s + 5)
            self._thread = None

    def _run(self) -> None:
        with httpx.Client(timeout=self.config.webhook_timeout_s, trust_env=False) as client:
            while not self._stop.is_set():
                try:
                    with self.state.transaction():
                        advance_all(self.state)
                    self._deliver_due(client)
                except Exception:  # pragma: no cover - keep the worker alive whatever happens
                    logger.exception("sandbox worker step failed")
                with self.state.changed:
                    if not self._stop.is_set() and not self._due():
                        self.state.changed.wait(TICK_S)

    def _due(self) -> list[DeliveryRecord]:
        now = time.monotonic()
        return [
            d for d in self.state.webhook_deliveries(status="pending") if d.next_attempt_at <= now
        ]

    def _deliver_due(self, client: httpx.Client) -> None:
        for delivery in self._due():
            if self._stop.is_set():
                return
            self._attempt(client, delivery)

    def _attempt(self, client: httpx.Client, delivery: DeliveryRecord) -> None:
        if not (self.config.allow_external_webhooks or is_loopback_url(delivery.url)):
            outcome, status = "not a loopback address; external webhooks are off", "skipped"
        else:
            timestamp = int(self.state.clock.now())
            headers = {
                "content-type": "application/json",
                "webhook-id": delivery.id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(delivery.secret, delivery.id, timestamp, delivery.body),
            }
            delivery.headers = headers
            try:
                response = client.post(delivery.url, content=delivery.body, headers=headers)
                outcome = str(response.status_code)
                ok = response.is_success
            except httpx.HTTPError as exc:
                outcome, ok = f"{type(exc).__name__}: {exc}", False
            retries = self.config.webhook_retry_delays_s
            if ok:
                status = "delivered"
            elif len(delivery.attempts) < len(retries):
                status = "pending"
                delivery.next_attempt_at = time.monotonic() + retries[len(delivery.attempts)]
            else:
                status = "failed"
        with self.state.changed:
            delivery.attempts.append(outcome)
            delivery.status = status
            self.state.delivery_changed(delivery)
            self.state.changed.notify_all()
