"""build_bundle: a function's code archive, rebuilt only when one of its inputs changed."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from portable.bundle import dependencies
from portable.bundle.archive import Entry, write_zip
from portable.bundle.distributions import canonical_name
from portable.bundle.fingerprint import Fingerprint
from portable.bundle.requirements import merge_requirements
from portable.bundle.result import Bundle
from portable.bundle.shim import collect_runtime_files
from portable.bundle.sources import collect_sources
from portable.bundle.spec import BundleSpec

GENERATED = "generated files"


def build_bundle(spec: BundleSpec, cache_dir: Path | str, *, refresh: bool = False) -> Bundle:
    """Build (or reuse) the zip archive described by ``spec`` under ``cache_dir``.

    The archive is cached by a hash of every input: the source files' paths, contents and executable
    bits, the requirements (the spec's plus ``requirements.txt``), the platform, the runtime files, the
    generated files, ``dependencies_dir``, the excluded packages and the pip options. When none changed,
    the cached archive is returned at once (``cached=True``) and pip is not run. Installed requirements
    are cached on their own, so a code change does not reinstall them. ``refresh`` forces both to be
    rebuilt (e.g. to pick up a new release of an unpinned requirement).
    """
    cache = Path(cache_dir)
    platform = spec.platform
    requirements = merge_requirements(spec.requirements, spec.source_dir)
    entries = [
        *collect_sources(spec.source_dir, skip=cache, subject=spec.subject),
        *collect_runtime_files(spec.runtime_files),
        *(Entry(name, data, GENERATED) for name, data in sorted(spec.extra_files.items())),
    ]
    deps_key = dependencies.dependencies_key(requirements, platform, spec.pip_args)
    excluded = tuple(sorted({canonical_name(name) for name in spec.exclude_packages}))

    fingerprint = Fingerprint("bundle")
    fingerprint.add("platform", platform.python_version, platform.architecture, platform.glibc)
    fingerprint.add("dependencies", deps_key, spec.dependencies_dir, *excluded)
    for entry in entries:
        fingerprint.add_entry(entry)
    key = fingerprint.hexdigest()

    bundles = cache / "bundles"
    zip_path = bundles / f"{key[:40]}.zip"
    meta_path = bundles / f"{key[:40]}.json"
    if not refresh:
        cached = _load(zip_path, meta_path)
        if cached is not None:
            return cached

    installed = dependencies.install(
        requirements, platform, spec.pip_args, cache, subject=spec.subject, refresh=refresh
    )
    entries.extend(dependencies.dependency_entries(installed, spec.dependencies_dir, excluded))
    bundles.mkdir(parents=True, exist_ok=True)
    _ignore_in_git(cache)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=bundles)
    os.close(handle)
    try:
        stats = write_zip(entries, Path(temporary))
        os.replace(temporary, zip_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    meta = {"sha256": stats.sha256, "size": stats.size, "files": stats.files, "unpacked_size": stats.unpacked_size}
    _write_atomically(meta_path, json.dumps(meta, sort_keys=True).encode())
    return Bundle(zip_path, stats.sha256, stats.size, stats.files, False, stats.unpacked_size)


def _load(zip_path: Path, meta_path: Path) -> Bundle | None:
    try:
        meta = json.loads(meta_path.read_bytes())
        if zip_path.stat().st_size != meta["size"]:
            return None
        return Bundle(zip_path, meta["sha256"], meta["size"], meta["files"], True, meta["unpacked_size"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _ignore_in_git(cache: Path) -> None:
    marker = cache / ".gitignore"
    if not marker.exists():
        with contextlib.suppress(OSError):
            marker.write_text("# portable's build cache\n*\n", encoding="utf-8")
