"""What an Azure function's code package holds besides the user's code (the bundle hooks of
:class:`providers.azure.provider.AzureProvider`): the generated ``function_app.py`` and ``host.json``,
and the dependencies pre-installed in ``.python_packages/lib/site-packages`` for Linux x86_64 (no remote
build happens for blob deployments), the Azure SDKs the function's links need among them.
"""

from __future__ import annotations

from portable.model import Function, Stack
from providers.azure.deploy.function_app import render_function_app, render_host_json, sources
from providers.azure.deploy.names import Names

ARCHITECTURE = "x86_64"
"""Flex Consumption runs on Linux x86_64 only."""
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
    """The requirements added to the function's own: the Functions worker library and the Azure SDKs its
    links use."""
    needed = list(BASE_REQUIREMENTS)
    kinds = sorted({link.kind for link in function.links})
    if kinds:
        needed.append("azure-identity>=1.16,<2")
    for kind in kinds:
        needed.extend(SDKS[kind])
    return tuple(needed)


def generated_files(stack: Stack, function: Function) -> dict[str, bytes]:
    """The app's ``function_app.py`` (its triggers, with the physical names of their sources) and ``host.json``."""
    return {
        "function_app.py": render_function_app(stack.name, function, sources(function, Names(stack.name))).encode(),
        "host.json": render_host_json(stack, function).encode(),
    }
