"""The bucket engine: each bucket is a folder, each object a file (written atomically).

Object keys map to relative paths, so ``receipts/1.json`` is ``<bucket>/receipts/1.json``. Keys a
folder cannot hold are refused with a clear error: empty segments (``a//b``, a trailing ``/``), ``.``
and ``..`` segments, and a key that is also a "folder" of another key (``a`` beside ``a/b``).

>>> import tempfile, pathlib
>>> store = BucketStore(pathlib.Path(tempfile.mkdtemp()))
>>> store.put("receipts", "r/1.json", b"{}").size
2
>>> store.list("receipts", prefix="r/"), store.get("receipts", "r/1.json")
(['r/1.json'], b'{}')
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

TMP = ".tmp"
"""The folder, beside the buckets, where objects are written before they are moved in place."""

MAX_KEY_BYTES = 1024


class NoSuchKey(KeyError):
    """The object does not exist."""

    def __str__(self) -> str:
        return str(self.args[0])


class BadObjectKey(ValueError):
    """The key cannot name a file in a bucket folder."""


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What a write produced: the object's size and its MD5 (the ``etag`` S3 would give)."""

    key: str
    size: int
    etag: str


@dataclass(frozen=True, slots=True)
class Staged:
    """An object written to ``tmp``, to be moved to ``path``."""

    tmp: Path
    path: Path
    info: ObjectInfo


class BucketStore:
    """Every bucket of one stack, as folders under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, bucket: str) -> Path:
        return self.root / bucket

    def put(self, bucket: str, key: str, data: bytes) -> ObjectInfo:
        """Write ``data`` at ``key`` (replacing it); readers never see a half-written object."""
        staged = self.stage(bucket, key, data)
        self.commit(staged)
        return staged.info

    def stage(self, bucket: str, key: str, data: bytes) -> Staged:
        """Write ``data`` beside the buckets, ready to be moved to ``key`` by :meth:`commit`."""
        path = self._path(bucket, key)
        tmp_dir = self.root / TMP
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{os.getpid()}-{os.urandom(8).hex()}"
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                raise BadObjectKey(f"bucket {bucket!r}: key {key!r} is already a prefix of other keys")
        except (NotADirectoryError, FileExistsError):
            tmp.unlink(missing_ok=True)
            raise BadObjectKey(
                f"bucket {bucket!r}: key {key!r} runs through an existing object; "
                "a local bucket cannot hold both 'a' and 'a/b'"
            ) from None
        except BadObjectKey:
            tmp.unlink(missing_ok=True)
            raise
        return Staged(tmp, path, ObjectInfo(key, len(data), hashlib.md5(data, usedforsecurity=False).hexdigest()))

    def commit(self, staged: Staged) -> None:
        """Move a staged object in place (replacing the object there)."""
        try:
            os.replace(staged.tmp, staged.path)
        except FileNotFoundError:
            if staged.tmp.exists():  # the folder went away meanwhile
                staged.path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged.tmp, staged.path)
            # else: moved already, by a recovery (see providers.local.objects)

    def path(self, bucket: str, key: str) -> Path:
        """The file of ``key`` (checked)."""
        return self._path(bucket, key)

    def get(self, bucket: str, key: str) -> bytes:
        """The object's bytes; ``NoSuchKey`` if there is none."""
        try:
            return self._path(bucket, key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NoSuchKey(f"bucket {bucket!r} has no object {key!r}") from None

    def exists(self, bucket: str, key: str) -> bool:
        return self._path(bucket, key).is_file()

    def delete(self, bucket: str, key: str) -> bool:
        """Delete the object; True if it existed. Folders left empty are removed."""
        return self.remove(self._path(bucket, key))

    def remove(self, path: Path) -> bool:
        """Delete an object's file (see :meth:`path`) and the folders it leaves empty; True if it existed."""
        try:
            path.unlink()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False
        parent = path.parent
        while parent != self.root and parent.parent != self.root:  # up to, not including, the bucket folder
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return True

    def list(self, bucket: str, prefix: str = "") -> list[str]:
        """Keys starting with ``prefix``, sorted (a prefix is checked like a key: it stays in the bucket)."""
        check_prefix(bucket, prefix)
        top = self.folder(bucket)
        # Walk only the folder the prefix is sure to be in.
        start = top.joinpath(*prefix.split("/")[:-1]) if "/" in prefix else top
        if not start.is_dir():
            return []
        keys: list[str] = []
        for folder, _, files in os.walk(start):
            relative = Path(folder).relative_to(top).as_posix()
            base = "" if relative == "." else relative + "/"
            keys.extend(base + name for name in files if (base + name).startswith(prefix))
        return sorted(keys)

    def _path(self, bucket: str, key: str) -> Path:
        check_key(bucket, key)
        return self.folder(bucket).joinpath(*key.split("/"))


def check_key(bucket: str, key: str) -> None:
    """Raise ``BadObjectKey`` unless ``key`` can name a file in a bucket folder."""
    if not isinstance(key, str) or not key:
        raise BadObjectKey(f"bucket {bucket!r}: an object key must be a non-empty string, not {key!r}")
    if len(key.encode()) > MAX_KEY_BYTES:
        raise BadObjectKey(f"bucket {bucket!r}: key {key[:40]!r}... is longer than {MAX_KEY_BYTES} bytes")
    if "\0" in key or "\\" in key:
        raise BadObjectKey(f"bucket {bucket!r}: key {key!r} contains a NUL or a backslash")
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        raise BadObjectKey(
            f"bucket {bucket!r}: key {key!r} has an empty, '.' or '..' segment "
            "(no leading, trailing or double '/'); use keys like 'receipts/2024/1.json'"
        )


def check_prefix(bucket: str, prefix: str) -> None:
    """Raise ``BadObjectKey`` unless ``prefix`` is the start of a key: its folders valid key segments.

    >>> check_prefix("receipts", "r/2024/"), check_prefix("receipts", "r/20")
    (None, None)
    >>> check_prefix("receipts", "../tables")
    Traceback (most recent call last):
    ...
    providers.local.buckets.BadObjectKey: bucket 'receipts': prefix '../tables' has an empty, '.' or '..' segment before its last '/'; use prefixes like 'receipts/2024/'
    """
    if not isinstance(prefix, str):
        raise BadObjectKey(f"bucket {bucket!r}: a prefix must be a string, not {prefix!r}")
    if "\0" in prefix or "\\" in prefix:
        raise BadObjectKey(f"bucket {bucket!r}: prefix {prefix!r} contains a NUL or a backslash")
    if any(segment in ("", ".", "..") for segment in prefix.split("/")[:-1]):
        raise BadObjectKey(
            f"bucket {bucket!r}: prefix {prefix!r} has an empty, '.' or '..' segment before its last '/'; "
            "use prefixes like 'receipts/2024/'"
        )
