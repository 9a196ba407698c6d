"""The Google Cloud components' base: ``portable:gcp:<Concept>`` (see :class:`portable.component.Component`).
Their children wait for the project APIs they use (``needs``), so nothing is created before its API is
enabled."""

from __future__ import annotations

from portable.component import Component


class GcpComponent(Component):
    provider = "gcp"
