"""A bundle repacked as a ``.tar.gz`` (Cloud Run's source deploy unpacks one into the container).

The repack is deterministic (sorted entries, zero timestamps, no gzip name or time), so the same zip
gives the same tarball and the same sha256; it is written once beside the zip and reused.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import zipfile
from dataclasses import replace

from portable.bundle.result import Bundle

SUFFIX = ".tar.gz"


def as_tar_gz(bundle: Bundle) -> Bundle:
    """``bundle`` as a tar.gz beside its zip (built on first use): same files, its own path, size and hash."""
    tarball = bundle.path.with_suffix(SUFFIX)
    if not tarball.exists():
        tarball.write_bytes(zip_to_tar_gz(bundle.path.read_bytes()))
    data = tarball.read_bytes()
    return replace(bundle, path=tarball, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def zip_to_tar_gz(data: bytes) -> bytes:
    """The zip's files as a gzip'd tar, byte-for-byte reproducible."""
    out = io.BytesIO()
    with (zipfile.ZipFile(io.BytesIO(data)) as source,
          gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz,
          tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar):
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            member = tarfile.TarInfo(info.filename)
            member.size = info.file_size
            member.mode = 0o755 if (info.external_attr >> 16) & 0o111 else 0o644
            member.mtime = 0
            tar.addfile(member, io.BytesIO(source.read(info)))
    return out.getvalue()
