"""Who may use the admin endpoints (``/_portable/...``): this machine's own pages and tools, not any web page.

A page on another site, open in the same browser, can send requests to 127.0.0.1 (a form post needs
no CORS), and a DNS-rebinding site can even read the answers. So an admin request must name this
server in ``Host`` (a loopback name, or the interface it listens on), must come from this server's
own origin when it says where it comes from (``Origin``), and a write must not be cross-site by the
browser's own account (``Sec-Fetch-Site``). Tools like curl send neither header and are served.

>>> refusal("GET", {"host": "127.0.0.1:8000"}, "127.0.0.1") is None
True
>>> refusal("POST", {"host": "127.0.0.1:8000", "origin": "https://evil.example"}, "127.0.0.1")
"cross-origin request from 'https://evil.example' refused: the local admin endpoints take requests from http://127.0.0.1:8000 only"
"""

from __future__ import annotations

from collections.abc import Mapping

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")
_SAFE = ("GET", "HEAD", "OPTIONS")


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the server to this machine."""
    return host in LOOPBACK_NAMES or host.startswith("127.")


def refusal(method: str, headers: Mapping[str, str], listen_host: str) -> str | None:
    """Why an admin request must be refused (403), or None to serve it."""
    host = headers.get("host")
    if host is not None:
        name = _hostname(host)
        allowed = LOOPBACK_NAMES if listen_host in WILDCARDS or is_loopback(listen_host) else (*LOOPBACK_NAMES, listen_host)
        if listen_host not in WILDCARDS and name not in allowed:
            return (f"Host {host!r} is not this server: the local admin endpoints answer to "
                    f"{', '.join(allowed)} only")
    origin = headers.get("origin")
    own = f"http://{host}" if host is not None else None
    if origin is not None and origin != own:
        return (f"cross-origin request from {origin!r} refused: the local admin endpoints take requests from "
                f"{own or 'this server'} only")
    site = headers.get("sec-fetch-site")
    if method not in _SAFE and site not in (None, "same-origin", "none"):
        return f"{site} {method} refused: the local admin endpoints take writes from this server's own pages only"
    return None


def _hostname(host: str) -> str:
    """``host`` without its port, IPv6 brackets removed.

    >>> _hostname("[::1]:8000"), _hostname("localhost:8000"), _hostname("127.0.0.1")
    ('::1', 'localhost', '127.0.0.1')
    """
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
