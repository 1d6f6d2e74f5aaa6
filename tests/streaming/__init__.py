"""`client.chat.stream`: typed events, resume without loss or repeats, errors, closing.

Every test runs with `Client` and `AsyncClient`. Misbehaving servers are pytest-httpserver
handlers (threaded, so a resume can connect while an earlier handler still runs) or httpx
mock transports for transport failures a real socket cannot produce on demand; the
real-world checks run against the sandbox.
"""
