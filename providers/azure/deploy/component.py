"""The base of the Azure components: type token ``portable:azure:<Concept>``, children parented to
the component with names prefixed by the component's, ``register_outputs`` last."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pulumi


class AzureComponent(pulumi.ComponentResource):
    """``exports`` is what the stack exports for the object (names, URLs), and what it registers as
    its outputs."""

    concept: ClassVar[str]
    exports: dict[str, pulumi.Input[Any]]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"portable:azure:{self.concept}", name, None, opts)
        self.exports = {}

    def child(self, *, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on) or None)


class LinkedResource(AzureComponent):
    """A resource functions link to. ``link`` is its PORTABLE_LINKS entry (without kind and access);
    ``scope`` the Azure resource id role assignments for links to it are scoped to."""

    link: dict[str, pulumi.Input[Any]]
    scope: pulumi.Output[str]
