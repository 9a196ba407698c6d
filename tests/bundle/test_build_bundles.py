"""portable.deploy.build_bundles: one bundler for every cloud, shaped by the provider's bundle hooks."""

from __future__ import annotations

import io
import tarfile
import threading
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from portable.deploy import build_bundles, placeholder_bundles
from portable.errors import PortableError
from portable.model import Function, Stack
from portable.provider import Provider


class Acme(Provider):
    """A provider that uses every hook: a tar.gz with a generated file, for glibc 2.35 on arm64."""

    name: ClassVar[str] = "acme"
    title: ClassVar[str] = "Acme Functions"
    bundle_format: ClassVar[str] = "tar.gz"

    def bundle_files(self) -> tuple[str, ...]:
        return ("portable/runtime/env.py", "providers/aws/contract.py")

    def bundle_platform(self, function: Function) -> tuple[str, str]:
        return "arm64", "2.35"

    def bundle_generated_files(self, stack: Stack, function: Function) -> Mapping[str, bytes]:
        return {"acme.json": f'{{"function": "{function.name}"}}'.encode()}


def _stack(root: Path) -> Stack:
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("def handle(event, ctx):\n    return 'hi'\n")
    stack = Stack("shop")
    stack.function("api", handler="app:handle", source="src")
    stack.function("worker", handler="app:handle", source="src")
    return stack


def test_the_hooks_shape_each_bundle(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    bundles = build_bundles(stack, tmp_path, Acme())
    api = bundles["api"]
    assert api.path.name.endswith(".tar.gz") and api.path.parent == tmp_path / ".portable" / "build" / "bundles"
    with tarfile.open(fileobj=io.BytesIO(api.path.read_bytes()), mode="r:gz") as tar:
        names = tar.getnames()
        assert tar.extractfile("acme.json").read() == b'{"function": "api"}'  # type: ignore[union-attr]
    assert names == sorted(names)
    assert {"app.py", "acme.json", "portable/runtime/env.py", "providers/aws/contract.py",
            "portable/__init__.py", "providers/aws/__init__.py"} <= set(names)
    assert bundles["worker"].sha256 != api.sha256  # its generated file differs
    again = build_bundles(stack, tmp_path, Acme())
    assert (again["api"].sha256, again["api"].cached) == (api.sha256, True)


def test_an_unknown_archive_format_is_refused(tmp_path: Path) -> None:
    class Rar(Acme):
        bundle_format: ClassVar[str] = "rar"

    with pytest.raises(PortableError) as info:
        build_bundles(_stack(tmp_path), tmp_path, Rar())
    assert info.value.message == "Provider 'acme' asks for bundles as 'rar'; the bundler makes 'zip' or 'tar.gz'"


def test_placeholders_stay_inside_their_block(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    seen: dict[str, bool] = {}

    def elsewhere() -> None:  # another thread started inside the block does not see it
        seen["thread"] = build_bundles(stack, tmp_path, Acme())["api"].placeholder

    with placeholder_bundles():
        inside = build_bundles(stack, tmp_path, Acme())
        assert not (tmp_path / ".portable").exists()  # nothing was built
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert inside["api"].placeholder and inside["api"].sha256 != inside["worker"].sha256
    assert seen == {"thread": False}
    after = build_bundles(stack, tmp_path, Acme())["api"]
    assert not after.placeholder and zipfile.is_zipfile(after.path.with_name(after.path.name.removesuffix(".tar.gz") + ".zip"))
