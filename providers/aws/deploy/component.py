"""What every AWS component shares: the ``portable:aws:<Concept>`` type token, children parented to
the component, and the small interface the wiring code relies on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pulumi


class AwsComponent(pulumi.ComponentResource):
    """Base of the AWS components. Subclasses set ``concept``, create their children with
    :meth:`child` and call ``register_outputs(self.exports)`` last.

    ``exports`` holds what the stack exports for the object (names, URLs, ARNs); resources a function
    may link to also set ``arn`` and ``link`` (their entry in ``PORTABLE_LINKS``, without kind/access).
    """

    concept: ClassVar[str]
    exports: dict[str, pulumi.Input[Any]]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"portable:aws:{self.concept}", name, None, opts)
        self.portable_name = name
        self.exports = {}

    def child(self, *, depends_on: Sequence[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
        """Options for a child: parented to this component (so transforms and providers flow down)."""
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on) if depends_on else None)


class LinkedResource(AwsComponent):
    """A resource functions link to: buckets, queues, topics, tables and secrets."""

    arn: pulumi.Output[str]
    link: dict[str, pulumi.Input[Any]]
    """Its PORTABLE_LINKS entry besides ``kind`` and ``access``: ``id``, ``arn`` and per-kind keys."""
