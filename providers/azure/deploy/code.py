"""A function's code package for Flex Consumption: sources at the root, the generated
``function_app.py`` and ``host.json``, the runtime shim, and dependencies pre-installed in
``.python_packages/lib/site-packages`` for Linux x86_64 (no remote build happens for blob deployments).
"""

from __future__ import annotations

from pathlib import Path

from portable.bundle import Bundle, BundleSpec, build_bundle
from portable.model import Function, Stack
from providers.azure.deploy.function_app import Sources, render_function_app, render_host_json

DEPENDENCIES_DIR = ".python_packages/lib/site-packages"
RUNTIME_FILES = (
    "portable/__init__.py",
    "portable/runtime",
    "providers/azure/__init__.py",
    "providers/azure/runtime.py",
    "providers/azure/contract.py",
    "providers/azure/clients.py",
    "providers/azure/table_client.py",
)
BASE_REQUIREMENTS = ("azure-functions>=1.20,<3",)
SDKS = {
    "bucket": ("azure-storage-blob>=12.19,<13",),
    "queue": ("azure-storage-queue>=12.9,<13",),
    "table": ("azure-data-tables>=12.5,<13",),
    "topic": ("azure-servicebus>=7.12,<8",),
    "secret": ("azure-keyvault-secrets>=4.8,<5",),
}
"""The SDK each kind of link needs at run time (with azure-identity for the managed identity)."""


def requirements(function: Function) -> tuple[str, ...]:
    """The function's own requirements plus the Azure SDKs its links use."""
    needed = list(BASE_REQUIREMENTS)
    kinds = sorted({link.kind for link in function.links})
    if kinds:
        needed.append("azure-identity>=1.16,<2")
    for kind in kinds:
        needed.extend(SDKS[kind])
    return (*function.requirements, *needed)


def bundle_spec(stack: Stack, function: Function, root: Path, sources: Sources) -> BundleSpec:
    return BundleSpec(
        source_dir=root / function.source,
        requirements=requirements(function),
        python_version=function.runtime,
        architecture="x86_64",
        runtime_files=RUNTIME_FILES,
        dependencies_dir=DEPENDENCIES_DIR,
        extra_files={
            "function_app.py": render_function_app(stack.name, function, sources).encode(),
            "host.json": render_host_json(stack, function).encode(),
        },
        name=function.name,
    )


def build(stack: Stack, function: Function, root: Path, sources: Sources, cache_dir: Path) -> Bundle:
    return build_bundle(bundle_spec(stack, function, root, sources), cache_dir)
