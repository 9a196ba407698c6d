"""The base of every deploy side's components: one Pulumi ComponentResource per portable concept, with
the type token ``portable:<provider>:<Concept>`` and its native resources as parented children (so
transforms, providers and aliases flow down)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pulumi


class Component(pulumi.ComponentResource):
    """Subclasses set ``provider`` (on the provider's base class) and ``concept``, create their children
    with :meth:`child` and end with :meth:`finish`.

    ``exports`` is what the stack exports for the object (names, URLs, ARNs; see
    ``portable.deploy.export``). ``needs`` are resources every child waits for (on Google Cloud, the
    project APIs the component uses).
    """

    provider: ClassVar[str]
    concept: ClassVar[str]
    exports: dict[str, pulumi.Input[Any]]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None, *,
                 needs: Sequence[pulumi.Resource] = ()) -> None:
        super().__init__(f"portable:{self.provider}:{self.concept}", name, None, opts)
        self.portable_name = name
        self.exports = {}
        self._needs = list(needs)

    def child(self, *depends_on: pulumi.Resource, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child: parented to this component, after ``needs`` and ``depends_on``."""
        after = [*self._needs, *depends_on]
        return pulumi.ResourceOptions(parent=self, depends_on=after or None, **options)

    def finish(self, exports: Mapping[str, pulumi.Input[Any] | None] | None = None) -> None:
        """Record the component's exports (None values dropped) as its outputs; the constructor's last step."""
        if exports is not None:
            self.exports = {k: v for k, v in exports.items() if v is not None}
        self.register_outputs(self.exports)
