"""The same inputs give the same bytes: sorted entries, fixed timestamps and modes, no absolute paths."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from portable.bundle import BundleSpec, build_bundle

SourceFactory = Callable[..., Path]
SpecFactory = Callable[..., BundleSpec]

FILES = {
    "app/__init__.py": "",
    "app/api.py": "def handle(event, ctx):\n    return 'hello'\n",
    "app/models/order.py": "ORDER = 1\n",
    "data/config.json": "{}\n",
    "README.md": "# api\n",
}


def test_two_builds_give_the_same_sha256(make_spec: SpecFactory, tmp_path: Path) -> None:
    spec = make_spec(requirements=("tinydep",))

    first = build_bundle(spec, tmp_path / "cache-1")
    second = build_bundle(spec, tmp_path / "cache-2")

    assert not first.cached and not second.cached
    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == second.path.read_bytes()


def test_independent_of_location_creation_order_and_timestamps(
    make_source: SourceFactory, make_spec: SpecFactory, tmp_path: Path
) -> None:
    one = make_source("one", FILES)
    two = make_source("elsewhere/two", dict(reversed(FILES.items())))
    for path in two.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))

    first = build_bundle(make_spec(one, requirements=("tinydep",)), tmp_path / "cache-1")
    second = build_bundle(make_spec(two, requirements=("tinydep",)), tmp_path / "cache-2")

    assert first.sha256 == second.sha256


def test_entries_are_sorted_with_fixed_times_and_modes(make_source: SourceFactory, make_spec: SpecFactory,
                                                       tmp_path: Path) -> None:
    source = make_source("src", FILES)
    script = source / "bin" / "tool.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o700)

    bundle = build_bundle(make_spec(source, requirements=("tinydep",)), tmp_path / "cache")

    with zipfile.ZipFile(bundle.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {i.filename: i.external_attr >> 16 for i in infos}
    assert modes["app/"] == 0o40755
    assert modes["app/api.py"] == 0o100644
    assert modes["bin/tool.sh"] == 0o100755
    assert all(not i.filename.startswith("/") and ".." not in i.filename.split("/") for i in infos)
    assert str(tmp_path).encode() not in bundle.path.read_bytes()
