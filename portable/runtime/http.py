"""``HttpRequest`` and ``HttpResponse``: HTTP as every handler sees it, whatever the platform."""

from __future__ import annotations

import json as _json

from portable.runtime import UNSET as _UNSET
from portable.runtime.errors import MalformedEvent
from portable.runtime.multidict import Headers, MultiDict
from portable.runtime.payload import Payload, is_text_type
from portable.runtime.urlcode import parse_cookie_header, parse_cookie_list

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.multidict import Source

_NO_HEADERS: dict[str, list[str]] = {}
_new = object.__new__
_loads = _json.loads
_dumps = _json.dumps


class HttpRequest(Payload):
    """An HTTP request.

    ``query`` is a :class:`MultiDict`, ``headers`` a case-insensitive multi-valued :class:`Headers`,
    ``cookies`` a plain dict, ``body`` bytes (``text`` and ``json()`` decode it). ``path_params`` are
    the values of the matched route's ``{parameters}``. Everything is decoded on first access from what
    the platform delivered; ``raw`` is that native event.

    >>> r = HttpRequest("POST", "/orders", query="limit=10", headers={"Content-Type": "application/json"},
    ...                 body=b'{"id": 1}')
    >>> r.query["limit"], r.headers["content-type"], r.json()["id"]
    ('10', 'application/json', 1)
    """

    __slots__ = (
        "_b64",
        "_body",
        "_body_src",
        "_cookie_src",
        "_cookies",
        "_json",
        "headers",
        "method",
        "path",
        "path_params",
        "query",
        "raw",
        "request_id",
        "route",
        "source_ip",
    )
    _what = "HTTP request"

    def __init__(
        self,
        method: str = "GET",
        path: str = "/",
        query: Source | MultiDict = None,
        headers: Source | Headers = None,
        body: bytes | str | None = b"",
        base64_body: bool = False,
        cookies: Mapping[str, str] | list[str] | None = None,
        path_params: dict[str, str] | None = None,
        source_ip: str | None = None,
        request_id: str = "",
        raw: Any = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query: MultiDict = query if isinstance(query, MultiDict) else MultiDict(query)
        if headers is None or type(headers) is dict or not isinstance(headers, Headers):
            headers = Headers(headers)
        self.headers: Headers = headers
        self._body_src = body
        self._b64 = base64_body
        self._body: bytes | None = None
        self._json: Any = _UNSET
        self._cookie_src = cookies
        self._cookies: dict[str, str] | None = None
        self.path_params: dict[str, str] = {} if path_params is None else path_params
        self.source_ip = source_ip
        self.request_id = request_id
        self.route: str | None = None
        self.raw = raw

    @classmethod
    def from_parts(
        cls,
        method: str,
        path: str,
        query: MultiDict,
        headers: Headers,
        body: bytes | str | None,
        base64_body: bool,
        cookies: Mapping[str, str] | list[str] | None,
        path_params: dict[str, str],
        source_ip: str | None,
        request_id: str,
        route: str | None,
        raw: Any,
    ) -> HttpRequest:
        """A request from parts a shim has already parsed and checked: nothing is converted or validated
        (``query`` and ``headers`` are used as given, ``body`` is decoded on first access)."""
        request = _new(cls)
        request.method = method
        request.path = path
        request.query = query
        request.headers = headers
        request._body_src = body
        request._b64 = base64_body
        request._body = None
        request._json = _UNSET
        request._cookie_src = cookies
        request._cookies = None
        request.path_params = path_params
        request.source_ip = source_ip
        request.request_id = request_id
        request.route = route
        request.raw = raw
        return request

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent by the client, name -> value."""
        cookies = self._cookies
        if cookies is None:
            src = self._cookie_src
            try:
                if src is None:
                    cookies = {}
                    for header in self.headers.get_all("cookie"):
                        parse_cookie_header(header, cookies)
                elif type(src) is list:
                    cookies = parse_cookie_list(src)
                else:
                    cookies = dict(src)  # type: ignore[arg-type]
            except (TypeError, ValueError, AttributeError):
                raise MalformedEvent("HTTP request", "cookies", "a list of 'name=value' strings") from None
            self._cookies = cookies
        return cookies

    def to_cloudevent(self) -> dict[str, Any]:
        """This request as a CloudEvents 1.0 dict (type ``portable.http.request``)."""
        from portable.runtime.cloudevents import cloudevent

        return cloudevent(
            "portable.http.request", "portable:http", self.request_id or "-", subject=self.path,
            content_type=self.content_type, data_bytes=self.body or None,
            extensions={"httpmethod": self.method, "httppath": self.path},
        )

    def __repr__(self) -> str:
        return f"HttpRequest({self.method!r}, {self.path!r})"


class HttpResponse:
    """An HTTP response: status, multi-valued headers (several ``Set-Cookie`` allowed), a body.

    The body may be ``bytes`` (binary bodies are base64-encoded where the platform needs it), ``str``,
    or any JSON value (serialised on the way out, ``application/json``).

    >>> r = HttpResponse.json({"ok": True}, status=201, headers={"Location": "/orders/1"})
    >>> r.status, r.content_type, r.body
    (201, 'application/json', b'{"ok": true}')
    """

    __slots__ = ("_content_type", "_data", "_headers", "_raw", "_text", "status")

    def __init__(
        self,
        body: Any = b"",
        status: int = 200,
        headers: Source | Headers = None,
        *,
        content_type: str | None = None,
    ) -> None:
        self.status = status
        if body is None or isinstance(body, (bytes, str)):
            self._raw: bytes | str | None = body
            self._data: Any = _UNSET
        elif isinstance(body, bytearray):
            self._raw = bytes(body)
            self._data = _UNSET
        else:
            self._raw = None
            self._data = body
        self._content_type = content_type
        self._text: str | None = None
        self._headers: Headers | None = (
            None if headers is None else headers if isinstance(headers, Headers) else Headers(headers)
        )

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Source | Headers = None) -> HttpResponse:
        """A JSON response."""
        response = cls.__new__(cls)
        response.status = status
        response._raw = None
        response._data = data
        response._content_type = None
        response._text = None
        response._headers = None if headers is None else headers if isinstance(headers, Headers) else Headers(headers)
        return response

    @classmethod
    def text(cls, text: str, status: int = 200, headers: Source | Headers = None,
             content_type: str = "text/plain; charset=utf-8") -> HttpResponse:
        """A text response."""
        return cls(text, status, headers, content_type=content_type)

    @property
    def headers(self) -> Headers:
        """Response headers (mutable; ``add`` appends a repeated header)."""
        headers = self._headers
        if headers is None:
            headers = self._headers = Headers()
        return headers

    @property
    def content_type(self) -> str | None:
        """The Content-Type: explicit, from the headers, or implied by the body."""
        ct = self._content_type
        if ct is not None:
            return ct
        if self._headers is not None:
            ct = self._headers.get("content-type")
            if ct is not None:
                return ct
        if self._data is not _UNSET:
            return "application/json"
        raw = self._raw
        if type(raw) is str:
            return "text/plain; charset=utf-8"
        if raw:
            return "application/octet-stream"
        return None

    @property
    def is_json(self) -> bool:
        return self._data is not _UNSET

    @property
    def data(self) -> Any:
        """The JSON value of a JSON response (else None)."""
        return None if self._data is _UNSET else self._data

    def body_text(self) -> str | None:
        """The body as text, or None when it is binary (not UTF-8, or not a text media type).

        A JSON body is serialised once (``TypeError`` if it is not JSON-serialisable) and cached.
        """
        if self._data is not _UNSET:
            text = self._text
            if text is None:
                text = self._text = _dumps(self._data)
            return text
        raw = self._raw
        if raw is None:
            return ""
        if isinstance(raw, str):
            return raw
        if not raw:
            return ""
        if not is_text_type(self.content_type):
            return None
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return None

    @property
    def body(self) -> bytes:
        """The body as bytes."""
        if self._data is not _UNSET:
            return (self._text or self.body_text() or "").encode()
        raw = self._raw
        if raw is None:
            return b""
        if isinstance(raw, str):
            return raw.encode()
        return raw

    def parts(self) -> tuple[str | None, str | None, dict[str, list[str]]]:
        """What a shim sends: (content type, body text or None when binary, other headers)."""
        if self._headers is None and self._data is not _UNSET:  # the common JSON answer
            text = self._text
            if text is None:
                text = self._text = _dumps(self._data)
            return self._content_type or "application/json", text, _NO_HEADERS
        return self.content_type, self.body_text(), self.header_lists()

    def header_lists(self) -> dict[str, list[str]]:
        """Headers other than Content-Type: lower-case name -> values (empty if none were set)."""
        headers = self._headers
        if headers is None:
            return {}
        return {k: vs for k, vs in headers._data().items() if k != "content-type" and vs}

    def header_items(self) -> list[tuple[str, str]]:
        """Every header to send, Content-Type first, names lower-case."""
        ct = self.content_type
        items = [("content-type", ct)] if ct is not None else []
        if self._headers is not None:
            items.extend(kv for kv in self._headers.multi_items() if kv[0] != "content-type")
        return items

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        max_age: int | None = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool = True,
        http_only: bool = True,
        same_site: str | None = "Lax",
    ) -> None:
        """Add a ``Set-Cookie`` header (call once per cookie)."""
        parts = [f"{name}={value}"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        if path:
            parts.append(f"Path={path}")
        if domain:
            parts.append(f"Domain={domain}")
        if secure:
            parts.append("Secure")
        if http_only:
            parts.append("HttpOnly")
        if same_site:
            parts.append(f"SameSite={same_site}")
        self.headers.add("set-cookie", "; ".join(parts))

    def __repr__(self) -> str:
        return f"HttpResponse(status={self.status!r}, content_type={self.content_type!r})"


def as_response(result: object) -> HttpResponse:
    """What an HTTP handler returned -> an HttpResponse (str/bytes: 200, dict/list: 200 JSON, None: 204)."""
    if type(result) is HttpResponse or isinstance(result, HttpResponse):
        return result
    if result is None:
        return HttpResponse(b"", 204)
    if isinstance(result, (str, bytes, bytearray)):
        return HttpResponse(result)
    if isinstance(result, (dict, list)):
        return HttpResponse.json(result)
    raise TypeError(
        f"an HTTP handler must return an HttpResponse, str, bytes, dict, list or None, not {type(result).__name__}"
    )
