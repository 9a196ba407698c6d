"""``portable:azure:OneDeploy``: publishing a Function App's package as a Pulumi resource.

azure-native has no resource for the OneDeploy step, so this is a Python dynamic provider around
:class:`~providers.azure.deploy.publish.Publisher`. Its inputs are the app name, the package file and
the package's SHA-256: a new hash (new code, new dependencies) is a change, and the update publishes
again; the same hash publishes nothing. Deleting the resource deletes nothing (the code goes with the
app). The dynamic provider runs inside ``pulumi up``'s Python host, so portable must be importable
there (it is when the project's virtualenv has it installed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from providers.azure.deploy.publish import Publisher, PublishFailed, azure_token

_REPUBLISH_ON = ("app", "package_sha256", "scm_base_url")


class OneDeployProvider(ResourceProvider):
    """Create and update publish the package; diff compares the app and the package hash."""

    serialize_as_secret_always = False  # holds no secret: the token is fetched when it publishes

    def __init__(self, token: Callable[[], str] = azure_token) -> None:
        self.token = token

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(props["app"]), outs={**props, "status": self._publish(props)})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in _REPUBLISH_ON if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={**news, "status": self._publish(news)})

    def _publish(self, props: dict[str, Any]) -> int:
        app = str(props["app"])
        package = Path(props["package_path"]).read_bytes()
        digest = hashlib.sha256(package).hexdigest()
        if digest != props["package_sha256"]:
            raise PublishFailed(
                f"The package for Function App {app!r} at {props['package_path']} has SHA-256 {digest}, "
                f"not the {props['package_sha256']} it was planned with",
                hint="The bundle changed after planning; run `pulumi up` again.",
            )
        publisher = Publisher(app, token=self.token, base_url=props.get("scm_base_url") or None)
        return publisher.publish(package)


class OneDeploy(Resource):
    """The package ``package_path`` (hash ``package_sha256``) published to Function App ``app``."""

    app: pulumi.Output[str]
    package_sha256: pulumi.Output[str]
    status: pulumi.Output[int]

    def __init__(
        self,
        name: str,
        *,
        app: pulumi.Input[str],
        package_path: str,
        package_sha256: str,
        scm_base_url: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"app": app, "package_path": package_path, "package_sha256": package_sha256,
                 "scm_base_url": scm_base_url, "status": None}
        super().__init__(OneDeployProvider(), name, props, opts)
