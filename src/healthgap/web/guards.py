"""What every answer carries: the security headers, and the plain words of a 413.

The body limit itself is FastAPI's (``FastAPI(max_body_size=...)``, Starlette's
``RequestBodyLimitMiddleware``): a declared ``Content-Length`` over the limit is refused
before a byte of the body is read, and a body without one (chunked) is counted as it
arrives and cut off at the limit, so memory never holds more than one chunk of a body the
server refuses. Uploaded files themselves are spooled to disk by the form parser.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["add_headers", "security_headers", "too_large_message"]


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


def security_headers(*, https: bool) -> dict[str, str]:
    """The headers every response carries (HSTS only when served over HTTPS)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        # Vega compiles expressions with Function(), hence 'unsafe-eval' for scripts.
        "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
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
