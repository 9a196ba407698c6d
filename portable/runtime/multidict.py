"""Multi-valued mappings: ``MultiDict`` (query parameters) and ``Headers`` (case-insensitive).

Both are built lazily from whatever the platform delivered (a query string, a dict of strings, a dict
of lists, pairs): nothing is copied or decoded until a value is read, and a plain lookup in a native
dict is tried before the whole source is normalised.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, MutableMapping, ValuesView

from portable.runtime.errors import MalformedEvent
from portable.runtime.urlcode import parse_query

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeAlias

    Source: TypeAlias = str | Mapping[str, str | list[str]] | Iterable[tuple[str, str]] | None
    _Base = MutableMapping[str, str]
else:
    _Base = object


class MultiDict(_Base):
    """A mapping from a name to one or more string values; ``m[name]`` and ``get`` give the first.

    It is registered as a ``MutableMapping`` (``isinstance(m, Mapping)`` holds) without inheriting
    the ABC, which keeps ``isinstance`` checks on the hot path cheap.

    >>> q = MultiDict("expand=items&expand=customer&limit=10")
    >>> q["expand"], q.get_all("expand"), q.get("missing", "-")
    ('items', ['items', 'customer'], '-')
    """

    __slots__ = ("_d", "_src")
    _what = "query"

    def __init__(self, source: Source = None) -> None:
        self._src: Source = source
        self._d: dict[str, list[str]] | None = None

    @staticmethod
    def _key(name: str) -> str:
        return name

    def _fast(self, name: str) -> str | None:
        """A value for ``name`` found without normalising the source, or None to take the slow path:
        a string value of a native dict, or the first value in a query string with nothing to decode."""
        src = self._src
        if type(src) is dict:
            value = src.get(name)
            if type(value) is str:
                return value
        elif type(src) is str and "%" not in src and "+" not in src and "=" not in name and "&" not in name:
            query = f"&{src}&"
            start = query.find(f"&{name}=")
            if start >= 0 and not 0 <= query.find(f"&{name}&") < start:  # not after a bare "name"
                start += len(name) + 2
                return query[start:query.find("&", start)]
        return None

    def _load(self) -> dict[str, list[str]]:
        src = self._src
        key = self._key
        out: dict[str, list[str]] = {}
        if src is None:
            return out
        if isinstance(src, str):
            raw = parse_query(src)
            if key is MultiDict._key:
                return raw
            pairs: Iterable[tuple[object, object]] = ((k, v) for k, vs in raw.items() for v in vs)
        elif isinstance(src, MultiDict):
            return {key(k): list(vs) for k, vs in src._data().items()}
        elif isinstance(src, Mapping):
            pairs = src.items()
        else:
            try:
                pairs = [(name, value) for name, value in src]
            except (TypeError, ValueError):
                raise MalformedEvent(self._what, "(all)", "an object or a list of (name, value) pairs") from None
        for name, value in pairs:
            if type(name) is not str:
                raise MalformedEvent(self._what, repr(name), "a string name")
            if type(value) is str:
                values: list[object] = [value]
            elif type(value) is list:
                values = value
            else:
                raise MalformedEvent(self._what, name, "a string or a list of strings")
            existing = out.setdefault(key(name), [])
            for v in values:
                if type(v) is not str:
                    raise MalformedEvent(self._what, name, "a string or a list of strings")
                existing.append(v)
        return out

    def _data(self) -> dict[str, list[str]]:
        d = self._d
        if d is None:
            d = self._d = self._load()
            self._src = None
        return d

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The first value of ``name``, or ``default``."""
        if self._d is None:
            value = self._fast(name)
            if value is not None:
                return value
        values = self._data().get(self._key(name))
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name``, in order (empty if absent)."""
        return list(self._data().get(self._key(name), ()))

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __setitem__(self, name: str, value: str) -> None:
        self._data()[self._key(name)] = [value]

    def add(self, name: str, value: str) -> None:
        """Append a value to ``name`` (``m[name] = v`` replaces all values)."""
        self._data().setdefault(self._key(name), []).append(value)

    def __delitem__(self, name: str) -> None:
        del self._data()[self._key(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def keys(self) -> KeysView[str]:
        return self._data().keys()

    def items(self) -> ItemsView[str, str]:
        """(name, first value) pairs."""
        return {k: vs[0] for k, vs in self._data().items() if vs}.items()

    def values(self) -> ValuesView[str]:
        """The first value of every name."""
        return {k: vs[0] for k, vs in self._data().items() if vs}.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MultiDict):
            return self._data() == other._data()
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def update(self, other: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:  # type: ignore[override]
        """Replace the values of the given names."""
        for name, value in (other.items() if isinstance(other, Mapping) else other):
            self[name] = value

    def pop(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """Remove ``name``; return its first value (or ``default``)."""
        values = self._data().pop(self._key(name), None)
        return values[0] if values else default

    def copy(self) -> MultiDict:
        return type(self)(self.multi_items())

    def multi_items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair, repeated names included."""
        return [(k, v) for k, vs in self._data().items() for v in vs]

    def to_dict(self) -> dict[str, list[str]]:
        """A plain ``{name: [values]}`` copy."""
        return {k: list(vs) for k, vs in self._data().items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.multi_items()!r})"


class Headers(MultiDict):
    """HTTP headers: names are case-insensitive (stored lower-case), a name may repeat.

    Platforms that join repeated headers with commas (API Gateway v2, Function URLs, Azure) deliver
    one joined value; ``get_all`` returns what was delivered.

    >>> h = Headers({"Content-Type": "application/json"})
    >>> h["content-type"], "CONTENT-TYPE" in h
    ('application/json', True)
    """

    __slots__ = ()
    _what = "headers"

    @staticmethod
    def _key(name: str) -> str:
        return name.lower()

    def _fast(self, name: str) -> str | None:
        src = self._src
        if type(src) is dict:
            value = src.get(name)
            if type(value) is str:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        if self._d is None:
            src = self._src
            if type(src) is dict:  # a native dict of strings: no need to normalise for a present name
                value = src.get(name)
                if value is None:
                    value = src.get(name.lower())
                if type(value) is str:
                    return [value]
        return super().get_all(name)

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if self._d is None:
            src = self._src
            if type(src) is dict:  # a native dict: try the name as given, then lower-cased
                value = src.get(name)
                if value is None:
                    value = src.get(name.lower())
                if type(value) is str:
                    return value
            else:
                value = self._fast(name)
                if value is not None:
                    return value
        values = self._data().get(name.lower())
        return values[0] if values else default


_CGI_HEADERS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})


def wsgi_text(value: str) -> str:
    """A WSGI string (the bytes sent, decoded as latin-1, PEP 3333) decoded as UTF-8 instead; text that
    is not UTF-8 stays as it is."""
    try:
        return value.encode("latin-1").decode()
    except UnicodeError:
        return value

_environ_keys: dict[str, str] = {}


def _environ_key(name: str) -> str:
    """The environ key of header ``name`` (``X-Request-Id`` -> ``HTTP_X_REQUEST_ID``), remembered."""
    key = name.upper().replace("-", "_")
    if key not in _CGI_HEADERS:
        key = "HTTP_" + key
    if len(_environ_keys) < 512:
        _environ_keys[name] = key
    return key


class EnvironHeaders(Headers):
    """The request headers of a WSGI environ (``HTTP_*``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``), read
    with one dict lookup per ``get`` until they are changed or listed; non-ASCII values are decoded as
    UTF-8 (as on the other platforms), not as WSGI's latin-1.

    >>> h = EnvironHeaders({"HTTP_X_REQUEST_ID": "r-1", "CONTENT_TYPE": "text/plain"})
    >>> h["x-request-id"], h.get("Content-Type"), dict(h.items())
    ('r-1', 'text/plain', {'x-request-id': 'r-1', 'content-type': 'text/plain'})
    """

    __slots__ = ()

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if self._d is None:
            key = _environ_keys.get(name)
            if key is None:
                key = _environ_key(name)
            value = self._src.get(key)  # type: ignore[union-attr]
            if type(value) is not str:
                return default
            return value if value.isascii() else wsgi_text(value)
        values = self._d.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        if self._d is None:  # a WSGI environ holds one (joined) value per header
            value = self.get(name)
            return [] if value is None else [value]
        return super().get_all(name)

    def _load(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in self._src.items():  # type: ignore[union-attr]
            if key.startswith("HTTP_"):
                name = key[5:]
            elif key in _CGI_HEADERS:
                name = key
            else:
                continue
            if type(value) is str:
                out.setdefault(name.lower().replace("_", "-"), []).append(value if value.isascii() else wsgi_text(value))
        return out


_new = object.__new__
MutableMapping.register(MultiDict)
