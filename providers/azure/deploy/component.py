"""The Azure components' bases: ``portable:azure:<Concept>`` (see :class:`portable.component.Component`)."""

from __future__ import annotations

from typing import Any

import pulumi

from portable.component import Component


class AzureComponent(Component):
    provider = "azure"


class LinkedResource(AzureComponent):
    """A resource functions link to. ``link`` is its PORTABLE_LINKS entry (without kind and access);
    ``scope`` the Azure resource id role assignments for links to it are scoped to."""

    link: dict[str, pulumi.Input[Any]]
    scope: pulumi.Output[str]
