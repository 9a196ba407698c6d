"""Deterministic zip archives: the same entries always give the same bytes.

Entries are written sorted by path, with a fixed timestamp (1980-01-01, the zip epoch), fixed modes
(``0o644`` files, ``0o755`` folders and executables), a Unix "made by" field, no extra fields and no
absolute paths, so the archive depends only on the entries' paths, contents and executable bits.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from portable.bundle.errors import BundleError

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
EXEC_MODE = 0o755
DIR_MODE = 0o755
_UNIX = 3
_MS_DOS_DIRECTORY = 0x10
_STREAM_ABOVE = 16 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One file of an archive: its path in the archive, its content (a file or bytes) and its origin.

    ``origin`` names where it comes from ("source folder", "runtime shim", ...) for error messages.
    """

    arcname: str
    content: Path | bytes
    origin: str
    executable: bool = False

    def read(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content.read_bytes()

    @property
    def size(self) -> int:
        return len(self.content) if isinstance(self.content, bytes) else self.content.stat().st_size


@dataclass(frozen=True)
class ArchiveStats:
    """What :func:`write_zip` wrote: the zip's hash and size, the file count and their total size."""

    sha256: str
    size: int
    files: int
    unpacked_size: int


def write_zip(entries: Iterable[Entry], dest: Path) -> ArchiveStats:
    """Write ``entries`` (and their parent folders) to ``dest`` as a deterministic zip.

    Two entries with the same path, or a path that is both a file and a folder, are a
    :class:`BundleError` naming both origins.
    """
    files = _unique(entries)
    folders = {parent for name in files for parent in _parents(name)}
    clashes = sorted(folders & files.keys())
    if clashes:
        name = clashes[0]
        raise BundleError(
            f"{name!r} from the {files[name].origin} is a file, but other files in the archive need a folder "
            "of that name",
            hint="Rename the file or the folder so the archive paths do not overlap.",
        )
    names = sorted([*files, *(folder + "/" for folder in folders)])
    unpacked = 0
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            if name.endswith("/"):
                archive.writestr(_info(name, DIR_MODE, directory=True), b"")
                continue
            entry = files[name]
            size = entry.size
            unpacked += size
            info = _info(name, EXEC_MODE if entry.executable else FILE_MODE, directory=False)
            if isinstance(entry.content, Path) and size > _STREAM_ABOVE:
                info.file_size = size
                with entry.content.open("rb") as source, archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            else:
                archive.writestr(info, entry.read())
    return ArchiveStats(file_sha256(dest), dest.stat().st_size, len(files), unpacked)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _unique(entries: Iterable[Entry]) -> dict[str, Entry]:
    files: dict[str, Entry] = {}
    for entry in entries:
        other = files.get(entry.arcname)
        if other is not None:
            raise BundleError(
                f"{entry.arcname!r} comes from both the {other.origin} and the {entry.origin}",
                hint="Rename or remove one of them: each archive path can hold one file.",
            )
        files[entry.arcname] = entry
    return files


def _parents(name: str) -> list[str]:
    parts = name.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _info(name: str, mode: int, *, directory: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.create_system = _UNIX
    if directory:
        info.external_attr = ((stat.S_IFDIR | mode) << 16) | _MS_DOS_DIRECTORY
        info.compress_type = zipfile.ZIP_STORED
    else:
        info.external_attr = (stat.S_IFREG | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
    return info
