"""A function's source archive for the Cloud Run source deploy (no container build).

The archive is the shared :mod:`portable.bundle` zip (sources, the runtime shim, dependencies
vendored at the root for the Linux/glibc of Google's Ubuntu 22.04 base image), repacked as the
``.tar.gz`` Cloud Run's source deploy unpacks into the container's working directory. The repack is
deterministic (sorted entries, zero timestamps), so the same bundle gives the same object name.

A function's bundle carries only the cloud SDKs its links need (``providers.gcp.clients.SDK_BY_KIND``)
and gunicorn, which serves the shim's WSGI app.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pulumi

from portable.model import Function
from providers.gcp.clients import SDK_BY_KIND

WSGI_SERVER = "gunicorn>=23,<24"
RUNTIME_FILES = ("portable/__init__.py", "portable/errors.py", "portable/runtime", "providers/gcp/__init__.py",
                 "providers/gcp/runtime.py", "providers/gcp/runtime_http.py", "providers/gcp/runtime_events.py",
                 "providers/gcp/contract.py", "providers/gcp/clients.py",
                 "providers/gcp/documents.py")
GLIBC = {"google-22-full": "2.35", "google-24-full": "2.39"}


@dataclass(frozen=True)
class CodeArchive:
    """What the deploy side uploads: an asset and the hash that names the object."""

    asset: pulumi.Asset
    sha256: str


Packager = Callable[[Function], CodeArchive]
"""Turns a function into its archive: :func:`bundler` for real deploys, :func:`placeholder` in plans."""


def requirements(function: Function) -> tuple[str, ...]:
    sdks = sorted({SDK_BY_KIND[link.kind] for link in function.links if link.kind in SDK_BY_KIND})
    return (*function.requirements, *sdks, WSGI_SERVER)


def bundler(root: Path, cache_dir: Path) -> Packager:
    """Build each function's bundle under ``cache_dir`` and repack it as a tar.gz beside it."""
    from portable.bundle import BundleSpec, build_bundle

    def package(function: Function) -> CodeArchive:
        glibc = GLIBC["google-24-full" if function.runtime >= "3.14" else "google-22-full"]
        spec = BundleSpec((root / function.source).resolve(), requirements(function), function.runtime,
                          function.architecture, RUNTIME_FILES, glibc=glibc, name=function.name)
        bundle = build_bundle(spec, cache_dir)
        tarball = bundle.path.with_suffix(".tar.gz")
        if not tarball.exists():
            tarball.write_bytes(zip_to_tar_gz(bundle.path.read_bytes()))
        return CodeArchive(pulumi.FileAsset(str(tarball)), hashlib.sha256(tarball.read_bytes()).hexdigest())

    return package


def placeholder(function: Function) -> CodeArchive:
    """A stand-in archive for ``portable plan``: nothing is built; the hash follows the function."""
    digest = hashlib.sha256(function.model_dump_json().encode()).hexdigest()
    return CodeArchive(pulumi.StringAsset(f"portable plan placeholder for {function.name}"), digest)


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
