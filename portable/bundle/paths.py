"""Archive paths: relative, forward-slashed, never escaping the archive root."""

from __future__ import annotations

import posixpath

from portable.bundle.errors import BundleError


def archive_path(value: str, what: str, *, allow_empty: bool = False) -> str:
    """``value`` as a clean archive path (``a/b/c``), or a :class:`BundleError` naming ``what``.

    >>> archive_path("./lib\\\\site-packages/", "dependencies_dir")
    'lib/site-packages'
    """
    text = value.replace("\\", "/").strip()
    if not text.strip("/."):
        if allow_empty:
            return ""
        raise BundleError(f"{what} is empty; give a relative path such as 'app/config.json'")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise BundleError(
            f"{what} {value!r} is absolute; archive paths are relative to the archive root",
            hint="Give a path relative to the archive root, e.g. 'host.json'.",
        )
    clean = posixpath.normpath(text)
    if clean == ".." or clean.startswith("../"):
        raise BundleError(
            f"{what} {value!r} points outside the archive root",
            hint="Remove the '..' parts: archive paths stay inside the archive.",
        )
    return clean
