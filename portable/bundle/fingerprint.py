"""Fingerprints: content hashes of a bundle's inputs, used as cache keys."""

from __future__ import annotations

import hashlib

from portable.bundle.archive import Entry

#: bump when the archive layout changes, so archives cached by an older portable are not reused
FORMAT = "portable-bundle/1"


class Fingerprint:
    """An unambiguous hash of a sequence of fields (each length-prefixed, so fields cannot run together).

    >>> a, b = Fingerprint("x"), Fingerprint("x")
    >>> a.add("ab", "c"); b.add("a", "bc")
    >>> a.hexdigest() == b.hexdigest()
    False
    """

    def __init__(self, purpose: str) -> None:
        self._hash = hashlib.sha256()
        self.add(FORMAT, purpose)

    def add(self, *fields: str | bytes) -> None:
        self._hash.update(len(fields).to_bytes(4, "big"))
        for value in fields:
            data = value.encode() if isinstance(value, str) else value
            self._hash.update(len(data).to_bytes(8, "big"))
            self._hash.update(data)

    def add_entry(self, entry: Entry) -> None:
        """An archive entry: its origin, path, executable bit and content."""
        self.add(entry.origin, entry.arcname, "x" if entry.executable else "-", entry.read())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
