"""The Google Cloud components' bases: ``portable:gcp:<Concept>`` (see :class:`portable.component.Component`).
Their children wait for the project APIs they use (``needs``), so nothing is created before its API is
enabled."""

from __future__ import annotations

from typing import Any

import pulumi

from portable.component import Component


class GcpComponent(Component):
    provider = "gcp"


class LinkedResource(GcpComponent):
    """A resource functions link to: buckets, queues, topics, tables and secrets."""

    link: dict[str, pulumi.Input[Any]]
    """Its PORTABLE_LINKS entry besides ``kind`` and ``access``: ``id`` and per-kind keys (see
    ``providers.gcp.clients``)."""
