"""Physical names, derived once: (stack name, portable name) -> the name a cloud resource gets.

Every provider names its resources through :func:`physical_name`, so a name is the same on every
run and every machine. A name that does not fit is cut and ends with a short hash of the full name,
so two long names that share a beginning still differ.

>>> physical_name("orders", "receipts", 63)
'orders-receipts'
>>> physical_name("orders", "receipt-jobs", 24, "alnum")
'ordersreceiptjobs'
>>> physical_name("orders", "a-rather-long-function-name", 30)
'orders-a-rather-long-46cf04bf'
"""

from __future__ import annotations

import hashlib
from typing import Literal

Charset = Literal["lower", "alnum", "underscore"]
"""How a name is written out: ``lower`` keeps portable names as they are (``a-z``, ``0-9``, ``-``);
``alnum`` drops the hyphens (Azure storage accounts and tables); ``underscore`` writes ``_`` for ``-``."""

HASH_LENGTH = 8


def short_hash(text: str, length: int = HASH_LENGTH) -> str:
    """The first ``length`` hex digits of the SHA-256 of ``text``: how physical names are made unique
    and kept stable.

    >>> short_hash("shop-jobs")
    '0e9ddcee'
    """
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def physical_name(stack: str, name: str, max_length: int, charset: Charset = "lower") -> str:
    """The physical name of ``name`` in ``stack``: ``{stack}-{name}``, written in ``charset``, at most
    ``max_length`` characters (cut, plus a hash of the full name, when longer). ``name`` may be empty
    for a resource that belongs to the whole stack.

    Portable names (lowercase letters, digits, single hyphens, starting with a letter) give names
    that start with a letter and end with a letter or digit in every charset.

    >>> physical_name("shop", "", 24, "alnum")
    'shop'
    >>> physical_name("shop", "jobs-dlq", 80, "underscore")
    'shop_jobs_dlq'
    """
    if max_length < HASH_LENGTH + 2:
        raise ValueError(f"max_length {max_length} leaves no room for a name and a {HASH_LENGTH}-character hash")
    full = f"{stack}-{name}" if name else stack
    written = _write(full, charset)
    if len(written) <= max_length:
        return written
    digest = short_hash(full)
    separator = "" if charset == "alnum" else _write("-", charset)
    head = written[: max_length - HASH_LENGTH - len(separator)].rstrip("-_")
    return f"{head}{separator}{digest}"


def _write(name: str, charset: Charset) -> str:
    if charset == "alnum":
        return name.replace("-", "")
    if charset == "underscore":
        return name.replace("-", "_")
    return name
