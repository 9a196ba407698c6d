"""Requirements: the model's list merged with requirements.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable.bundle import BundleError
from portable.bundle.requirements import merge_requirements


def test_merges_declared_and_file_requirements_once_each(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "# pinned\nrequests==2.32.3   # http\n\n-r more.txt\nhttpx \\\n  >=0.27\n"
        "--extra-index-url https://example.org/simple\n"
    )
    (tmp_path / "more.txt").write_text("pyyaml>=6\nrequests==2.32.3\n")

    merged = merge_requirements(["requests==2.32.3", " attrs "], tmp_path)

    assert merged == (
        "requests==2.32.3", "attrs", "pyyaml>=6", "httpx >=0.27", "--extra-index-url https://example.org/simple",
    )


def test_no_requirements_file_keeps_the_declared_ones(tmp_path: Path) -> None:
    assert merge_requirements(("attrs",), tmp_path) == ("attrs",)


def test_an_editable_requirement_is_refused(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-e ../lib\n")

    with pytest.raises(BundleError) as caught:
        merge_requirements((), tmp_path)

    assert str(caught.value) == (
        f"requirements file '{tmp_path / 'requirements.txt'}' has an editable requirement '-e ../lib', "
        "which cannot be bundled"
    )


def test_a_missing_include_is_named(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r base.txt\n")

    with pytest.raises(BundleError, match=r"requirements file '.*base.txt' does not exist"):
        merge_requirements((), tmp_path)
