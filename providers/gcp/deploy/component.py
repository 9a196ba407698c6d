"""The base of every Google Cloud component."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pulumi


class GcpComponent(pulumi.ComponentResource):
    """A portable concept on Google Cloud (type token ``portable:gcp:<Kind>``).

    Children are created with :meth:`child` options: parented to the component and depending on the
    project APIs the component needs, so nothing is created before its API is enabled.
    """

    kind: ClassVar[str]

    def __init__(self, name: str, *, apis: Sequence[pulumi.Resource] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"portable:gcp:{self.kind}", name, None, opts)
        self.portable_name = name
        self._apis = list(apis)

    exports: dict[str, Any]
    """What ``portable.deploy.export`` exports for this component (``functions.api.url``)."""

    def finish(self, outputs: dict[str, Any]) -> None:
        """Record the component's outputs; always the constructor's last step."""
        self.exports = {k: v for k, v in outputs.items() if v is not None}
        self.register_outputs(outputs)

    def child(self, *depends_on: pulumi.Resource, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=[*self._apis, *depends_on], **options)
