"""Where a stack goes: the Google Cloud project and region, read from the Pulumi stack config.

``gcp:project`` and ``gcp:region`` are the Google provider's own keys (``Pulumi.gcp.yaml``);
``portable:firestoreLocation`` optionally puts the Firestore databases elsewhere (a multi-region
such as ``eur3``); it defaults to the region.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from portable.errors import PortableError


@dataclass(frozen=True)
class GcpSettings:
    """The project, region and Firestore location of a deployment."""

    project: str
    region: str
    firestore_location: str = ""

    def __post_init__(self) -> None:
        if not self.firestore_location:
            object.__setattr__(self, "firestore_location", self.region)

    @classmethod
    def from_config(cls) -> GcpSettings:
        gcp = pulumi.Config("gcp")
        project, region = gcp.get("project"), gcp.get("region")
        missing = [key for key, value in (("gcp:project", project), ("gcp:region", region)) if not value]
        if missing:
            raise PortableError(
                f"The Pulumi stack config has no {' and no '.join(repr(m) for m in missing)}; "
                "the Google Cloud provider needs both",
                hint="Run: pulumi config set gcp:project <project-id> && pulumi config set gcp:region europe-west1",
            )
        location = pulumi.Config("portable").get("firestoreLocation") or ""
        return cls(project=str(project), region=str(region), firestore_location=location)

    def base_image(self, python_version: str) -> str:
        """The Google-maintained Python runtime image the source archive runs on (no build)."""
        stack = "google-24-full" if python_version >= "3.14" else "google-22-full"
        return (f"{self.region}-docker.pkg.dev/serverless-runtimes/{stack}/runtimes/"
                f"python{python_version.replace('.', '')}")
