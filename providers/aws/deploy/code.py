"""A function's code for Lambda: its bundle as a Pulumi archive, refused above the upload limit."""

from __future__ import annotations

import pulumi

from portable.bundle import Bundle
from portable.deploy import code_asset
from portable.errors import PortableError

MAX_ZIPPED = 50 * 1024 * 1024
"""Lambda accepts a zip of at most 50 MB uploaded directly (bigger ones must go through S3)."""


def archive(function: str, bundle: Bundle) -> pulumi.Archive:
    """``bundle`` as the ``code`` of a Lambda function; a clear error when it is too big."""
    if bundle.placeholder:
        return pulumi.AssetArchive({"placeholder.txt": code_asset(bundle)})
    if bundle.size > MAX_ZIPPED:
        raise PortableError(
            f"Function {function!r}: its code bundle is too big for AWS Lambda ({bundle.describe()}); "
            f"Lambda accepts at most {MAX_ZIPPED // (1024 * 1024)} MB zipped",
            hint="Drop requirements Lambda already provides (boto3), split the function, or put large "
            "dependencies in a Lambda layer (options={'aws': {'layers': [...]}}).",
        )
    return pulumi.FileArchive(str(bundle.path))
