"""A real uvicorn server in a thread, for tests of what only a server does (proxy headers,
streaming request bodies, several processes' view of one database)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(app: Any, **options: Any) -> Iterator[str]:  # noqa: ANN401
    """Serve ``app`` with uvicorn (``options`` as ``uvicorn.run`` takes them) on a free
    loopback port; yields the base URL."""
    import uvicorn

    port = free_port()
    settings = {"log_level": "warning", "access_log": False, **options}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
