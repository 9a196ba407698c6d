"""``Payload``: the body of a request or a message, kept as delivered and decoded on first use."""

from __future__ import annotations

import json as _json

from portable.runtime import UNSET as _UNSET
from portable.runtime.errors import MalformedEvent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_loads = _json.loads
_a2b_base64: Any = None


def b64decode(text: str | bytes) -> bytes:
    """Strict base64 decoding (``binascii`` is imported on first use)."""
    global _a2b_base64
    decode = _a2b_base64
    if decode is None:
        from binascii import a2b_base64 as decode

        _a2b_base64 = decode
    return decode(text, strict_mode=True)  # type: ignore[no-any-return]


TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
              "application/x-www-form-urlencoded")


def is_text_type(content_type: str | None) -> bool:
    """True when a body of this media type is text (so it travels as a string, not base64)."""
    if not content_type:
        return False
    ct = content_type.lower()
    return ct.startswith(TEXT_TYPES) or "+json" in ct or "+xml" in ct


def b64encode(data: bytes) -> str:
    from binascii import b2a_base64

    return b2a_base64(data, newline=False).decode()


class Payload:
    """``body``, ``text`` and ``json()`` for a class holding the delivered body in ``_body_src`` (bytes,
    str or None; base64 text when ``_b64``) with the caches ``_body`` (None) and ``_json`` (UNSET). The
    class declares those slots and names itself in ``_what`` for error messages."""

    __slots__ = ()
    _what = "payload"
    if TYPE_CHECKING:
        _body_src: bytes | str | None
        _b64: bool
        _body: bytes | None
        _json: Any

    @property
    def body(self) -> bytes:
        """The body as bytes (base64 bodies are decoded)."""
        body = self._body
        if body is None:
            src = self._body_src
            try:
                if src is None:
                    body = b""
                elif self._b64:
                    body = b64decode(src)
                elif isinstance(src, str):
                    body = src.encode()
                else:
                    body = bytes(src)
            except (TypeError, ValueError, UnicodeError):  # binascii.Error is a ValueError
                raise MalformedEvent(self._what, "body", "valid (base64) text") from None
            self._body = body  # type: ignore[misc]  # a slot of the class using this mixin
        return body

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        src = self._body_src
        if type(src) is str and not self._b64:
            return src
        try:
            return self.body.decode()
        except UnicodeDecodeError:
            raise MalformedEvent(self._what, "body", "UTF-8 text") from None

    def json(self) -> Any:
        """The body parsed as JSON (a malformed body raises ``MalformedEvent``)."""
        value = self._json
        if value is _UNSET:
            src = self._body_src
            try:
                if type(src) is not str:
                    value = _loads(self.body)
                elif self._b64:  # base64 text (Pub/Sub data): decoded once, for the parser and body alike
                    body = self._body
                    if body is None:
                        body = self._body = b64decode(src)  # type: ignore[misc]  # a slot of the class using this mixin
                    value = _loads(body)
                else:
                    value = _loads(src)
            except ValueError:  # JSONDecodeError, UnicodeDecodeError and binascii.Error
                raise MalformedEvent(self._what, "body", "valid JSON") from None
            except RecursionError:  # nested deeper than the parser recurses: a bad request like any other
                raise MalformedEvent(self._what, "body", "JSON nested less deeply") from None
            self._json = value
        return value
