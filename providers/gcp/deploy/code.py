"""What a Google Cloud function's source archive holds besides the user's code (the bundle hooks of
:class:`providers.gcp.provider.GcpProvider`).

The archive is the shared :mod:`portable.bundle` zip (sources, the runtime shim, dependencies vendored
at the root for the Linux/glibc of Google's base image), repacked by :mod:`portable.bundle.tarball` as the
``.tar.gz`` Cloud Run's source deploy unpacks into the container's working directory. A function's
bundle carries only the cloud SDKs its links need (``providers.gcp.clients.SDK_BY_KIND``) and gunicorn,
which serves the shim's WSGI app.
"""

from __future__ import annotations

from portable.model import Function
from providers.gcp.clients import SDK_BY_KIND

WSGI_SERVER = "gunicorn>=23,<24"
GLIBC = {"google-22-full": "2.35", "google-24-full": "2.39"}
"""The glibc of each Google-maintained base image (the function's Python version picks the image)."""


def base_image_stack(python_version: str) -> str:
    """The Google base image family a function on ``python_version`` runs on."""
    return "google-24-full" if python_version >= "3.14" else "google-22-full"


def requirements(function: Function) -> tuple[str, ...]:
    """The requirements added to the function's own: the SDKs its links use and the WSGI server."""
    sdks = sorted({SDK_BY_KIND[link.kind] for link in function.links if link.kind in SDK_BY_KIND})
    return (*sdks, WSGI_SERVER)


def glibc(function: Function) -> str:
    return GLIBC[base_image_stack(function.runtime)]
