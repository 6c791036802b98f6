"""Guards of every request and answer: the request-body size limit and the security headers.

:class:`BodySizeLimit` refuses a body larger than ``max_upload_bytes`` while it streams in: a
declared ``Content-Length`` over the limit fails the first read, before a byte of the body
is taken, and a body without one (chunked) is counted as it arrives and cut off at the
limit. The failure is an HTTP 413 the app's error page shows in plain words, so memory never
holds more than one chunk of a body the server refuses (uploaded files themselves are
spooled to disk by the form parser). Starlette's own ``RequestBodyLimitMiddleware`` does the
same counting but answers a declared oversize body with the bare text "Content Too Large".
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "BodySizeLimit",
    "BodyTooLargeError",
    "add_headers",
    "security_headers",
    "too_large_message",
]


def too_large_message(max_bytes: int) -> str:
    """What a person sees when their upload is over the limit.

    >>> too_large_message(256 * 1024**2)[:60]
    'The upload is too large: at most 256 MB can be sent at once '
    """
    size = f"{max_bytes / 1024**2:,.0f} MB" if max_bytes >= 1024**2 else f"{max_bytes:,} bytes"
    return (
        f"The upload is too large: at most {size} can be sent at once (all files together). "
        "Send the data in smaller files, for example one year per file, or ask the "
        "administrator to raise the limit (HEALTHGAP_MAX_UPLOAD_BYTES)."
    )


class BodyTooLargeError(HTTPException):
    """Raised by a read that takes a body over the limit: an HTTP 413, so every layer that
    re-raises HTTP errors (FastAPI's form reading does) lets it reach the error page."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(max_bytes))


def security_headers(*, https: bool) -> dict[str, str]:
    """The headers every response carries (HSTS only when served over HTTPS)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        # No 'unsafe-eval': charts evaluate Vega expressions with vega-interpreter (ast).
        "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def add_headers(target: Mapping[str, str], headers: Mapping[str, str]) -> None:
    """Set each header ``target`` does not have yet (a page may set its own)."""
    for name, value in headers.items():
        if name not in target:
            target[name] = value  # type: ignore[index]


class BodySizeLimit:
    """ASGI middleware: request bodies over ``max_bytes`` fail with 413 (see the module)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        oversize = declared.isdigit() and int(declared) > self.max_bytes
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            if oversize:  # refuse before reading a byte of it
                raise BodyTooLargeError(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLargeError as error:  # only when no error page answered it
            if started:
                raise
            page = f"<!DOCTYPE html><title>Upload too large</title><p>{error.detail}</p>"
            await HTMLResponse(page, status_code=413)(scope, receive, send)
