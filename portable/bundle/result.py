"""Bundle: a built code archive, with what a deploy step needs to know about it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Bundle:
    """A function's code archive on disk.

    ``sha256`` is the hash of the zip file (stable for the same inputs); ``size`` its size in bytes
    (AWS accepts 50 MB zipped for direct upload); ``files`` the number of files in it;
    ``unpacked_size`` the sum of their sizes (AWS: 250 MB unzipped); ``cached`` whether it came from the
    cache without being rebuilt. A ``placeholder`` stands for code that was not built (see
    :func:`portable.deploy.placeholder_bundles`): its path does not exist and its hash follows the function.

    >>> Bundle(Path("b.zip"), "ab" * 32, 1_500_000, 120, False, 4_200_000).describe()
    'b.zip: 1.5 MB zipped (4.2 MB unpacked), 120 files, sha256 abababababab'
    """

    path: Path
    sha256: str
    size: int
    files: int
    cached: bool
    unpacked_size: int = 0
    placeholder: bool = False

    def describe(self) -> str:
        """A one-line summary for logs and the CLI."""
        unpacked = f" ({_human(self.unpacked_size)} unpacked)" if self.unpacked_size else ""
        cached = ", cached" if self.cached else ""
        plural = "" if self.files == 1 else "s"
        return (
            f"{self.path.name}: {_human(self.size)} zipped{unpacked}, {self.files} file{plural}, "
            f"sha256 {self.sha256[:12]}{cached}"
        )


def _human(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
