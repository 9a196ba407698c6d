"""The Google Cloud code archive, and the provider's registry entry."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from portable import Function, Stack
from portable.bundle.tarball import zip_to_tar_gz
from portable.deploy import build_bundles, placeholder_bundle
from portable.errors import ProviderNotFound
from portable.registry import get_provider
from providers.gcp.deploy.code import WSGI_SERVER, requirements
from providers.gcp.provider import GcpProvider


def _zip(files: dict[str, tuple[bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, (data, mode) in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 28, 1, 2, 3))
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return out.getvalue()


def test_zip_becomes_a_reproducible_tar_gz() -> None:
    data = _zip({"b/run.sh": (b"#!/bin/sh\n", 0o755), "a.py": (b"print(1)\n", 0o644)})
    first, second = zip_to_tar_gz(data), zip_to_tar_gz(data)
    assert first == second
    with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
        members = tar.getmembers()
        assert [(m.name, m.mode, m.mtime) for m in members] == [("a.py", 0o644, 0), ("b/run.sh", 0o755, 0)]
        assert tar.extractfile("a.py").read() == b"print(1)\n"  # type: ignore[union-attr]


def test_bundle_carries_only_the_sdks_the_links_need() -> None:
    stack = Stack("shop")
    files = stack.bucket("files")
    key = stack.secret("key")
    jobs = stack.queue("jobs")
    fn = stack.function("api", handler="app.api:handle", requirements=("requests==2.32.3",),
                        links=[files.read(), key.read(), jobs.send()])
    assert (*fn.requirements, *requirements(fn)) == ("requests==2.32.3", "google-cloud-pubsub>=2.21,<3", "google-cloud-storage>=2.14,<4",
                                WSGI_SERVER)
    assert requirements(Function(name="bare", handler="app.bare:handle")) == (WSGI_SERVER,)
    assert GcpProvider().bundle_requirements(fn) == requirements(fn)


def test_placeholder_archive_follows_the_function() -> None:
    a, b = Function(name="job", handler="app.a:run"), Function(name="job", handler="app.a:run", memory=1024)
    assert placeholder_bundle(a).sha256 == placeholder_bundle(a).sha256 != placeholder_bundle(b).sha256


def test_provider_is_registered_without_importing_pulumi() -> None:
    code = ("import sys\nfrom portable.registry import get_provider\np = get_provider('gcp')\n"
            "print(p.name, p.title, p.extra, p.limits().name, 'pulumi' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["gcp", "Google", "Cloud", "Run", "gcp", "gcp", "False"]


def test_provider_requires_its_sdks(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = get_provider("gcp")
    provider.requires()
    monkeypatch.setitem(sys.modules, "pulumi_gcp", None)
    with pytest.raises(ProviderNotFound, match="Provider 'gcp' needs the Python package 'pulumi_gcp'") as info:
        provider.requires()
    assert info.value.hint == 'Install it with: pip install "portable-serverless[gcp]"'



def test_real_archive_vendors_dependencies_at_the_root(tmp_path: Path) -> None:
    """Builds for real (pip, for CPython on Linux x86_64 / glibc 2.35); cached across runs."""
    from portable.bundle import BundleError

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "hello.py").write_text("def handle(request):\n    return 'hello'\n")
    stack = Stack("shop")
    files = stack.bucket("files")
    fn = stack.function("hello", handler="app.hello:handle", links=[files.read()])
    cache = Path.home() / ".cache" / "portable-test" / "gcp-bundles"
    try:
        archive = build_bundles(stack, tmp_path, GcpProvider(), cache_dir=cache)[fn.name]
    except BundleError as error:  # pip could not reach the package index
        pytest.skip(f"cannot build a real bundle here: {error}")
    assert archive.path.name.endswith(".tar.gz")
    with tarfile.open(str(archive.path), mode="r:gz") as tar:
        names = set(tar.getnames())
    assert {"app/hello.py", "providers/gcp/runtime.py", "providers/gcp/clients.py", "portable/runtime/clients.py",
            "gunicorn/__init__.py", "google/cloud/storage/__init__.py"} <= names
    assert not any(n.startswith(("google/cloud/firestore", "google/cloud/pubsub", "pulumi", "pydantic",
                                 "portable/model", "providers/gcp/deploy")) for n in names)
