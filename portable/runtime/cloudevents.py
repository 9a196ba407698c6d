"""Building CloudEvents 1.0 (structured JSON form) from neutral events."""

from __future__ import annotations

from portable.runtime.payload import b64encode, is_text_type

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def cloudevent(
    type: str,
    source: str,
    id: str,
    *,
    time: str | None = None,
    subject: str | None = None,
    content_type: str | None = None,
    data: Any = None,
    data_bytes: bytes | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A CloudEvents 1.0 dict; ``data_bytes`` becomes ``data`` when it is UTF-8 text of a text type
    (parsed when JSON), else ``data_base64``."""
    event: dict[str, Any] = {"specversion": "1.0", "id": id, "source": source, "type": type}
    if time is not None:
        event["time"] = time
    if subject is not None:
        event["subject"] = subject
    if content_type is not None:
        event["datacontenttype"] = content_type
    if data_bytes is not None:
        text = None
        if is_text_type(content_type) or content_type is None:
            try:
                text = data_bytes.decode()
            except UnicodeDecodeError:
                text = None
        if text is None:
            event["data_base64"] = b64encode(data_bytes)
        elif content_type is not None and "json" in content_type.lower():
            import json

            try:
                event["data"] = json.loads(text)
            except ValueError:
                event["data"] = text
        else:
            event["data"] = text
    elif data is not None:
        event["data"] = data
    if extensions:
        for name, value in extensions.items():
            if value is not None:
                event[name] = value
    return event
