"""Percent-decoding, query strings and cookies, without importing ``urllib`` on the hot path."""

from __future__ import annotations

_hex_to_byte: dict[bytes, bytes] = {}


def _table() -> dict[bytes, bytes]:
    if not _hex_to_byte:
        digits = "0123456789abcdefABCDEF"
        _hex_to_byte.update({(a + b).encode(): bytes.fromhex(a + b) for a in digits for b in digits})
    return _hex_to_byte


def unquote(text: str, plus: bool = False) -> str:
    """Percent-decode ``text`` as UTF-8 (with ``plus=True`` a ``+`` is a space first).

    Invalid escapes are kept as they are, like ``urllib.parse.unquote``.

    >>> unquote("my+photo%281%29.jpg", plus=True)
    'my photo(1).jpg'
    """
    if plus and "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    table = _hex_to_byte or _table()
    bits = text.encode().split(b"%")
    out = [bits[0]]
    for bit in bits[1:]:
        byte = table.get(bit[:2])
        if byte is None:
            out.append(b"%")
            out.append(bit)
        else:
            out.append(byte)
            out.append(bit[2:])
    return b"".join(out).decode("utf-8", "replace")


def unquote_plus(text: str) -> str:
    """``unquote(text, plus=True)``: how S3 encodes object keys and forms encode values."""
    return unquote(text, True)


def parse_query(query: str) -> dict[str, list[str]]:
    """``a=1&b=2&a=3`` -> ``{"a": ["1", "3"], "b": ["2"]}`` (form decoding, blank values kept)."""
    out: dict[str, list[str]] = {}
    if not query:
        return out
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in part or "+" in part:
            name = unquote(name, True)
            value = unquote(value, True)
        values = out.get(name)
        if values is None:
            out[name] = [value]
        else:
            values.append(value)
    return out


def parse_cookie_header(header: str, into: dict[str, str] | None = None) -> dict[str, str]:
    """``a=1; b=2`` -> ``{"a": "1", "b": "2"}``; the first occurrence of a name wins."""
    out: dict[str, str] = {} if into is None else into
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if name and name not in out:
            out[name] = value.strip('"') if sep else ""
    return out


def parse_cookie_list(cookies: list[str]) -> dict[str, str]:
    """``["a=1", "b=2"]`` (the API Gateway v2 form) -> ``{"a": "1", "b": "2"}``."""
    out: dict[str, str] = {}
    for cookie in cookies:
        name, _, value = cookie.partition("=")
        if name not in out:
            out[name] = value
    return out
