"""The AWS components' bases: ``portable:aws:<Concept>`` (see :class:`portable.component.Component`)."""

from __future__ import annotations

from typing import Any

import pulumi

from portable.component import Component


class AwsComponent(Component):
    provider = "aws"


class LinkedResource(AwsComponent):
    """A resource functions link to: buckets, queues, topics, tables and secrets."""

    arn: pulumi.Output[str]
    link: dict[str, pulumi.Input[Any]]
    """Its PORTABLE_LINKS entry besides ``kind`` and ``access``: ``id``, ``arn`` and per-kind keys."""
