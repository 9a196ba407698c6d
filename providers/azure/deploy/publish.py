"""OneDeploy: how a code package reaches a Function App on Flex Consumption.

Every official tool (``az functionapp deploy``, Core Tools, the Azure DevOps task, Terraform's azurerm
provider) publishes to Flex Consumption by POSTing the zip to the app's Kudu (SCM) site::

    POST https://<app>.scm.azurewebsites.net/api/publish?type=zip&RemoteBuild=false
    Authorization: Bearer <Entra token for https://management.azure.com/.default>
    Content-Type: application/zip

The host then stores the package in the app's deployment container and syncs its triggers; a package
blob placed there by hand is not picked up (an app with no functions). ``RemoteBuild=false`` because
portable's packages already hold their dependencies in ``.python_packages``.

This module is the HTTP client only (standard library, no Pulumi): :mod:`.publish_resource` wraps it as
a Pulumi resource. Busy answers (429, 5xx) and dropped connections are retried with exponential
backoff (``Retry-After`` honoured); any other failure, or the last retry, raises :class:`PublishFailed`
naming the app and the HTTP status.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from portable.errors import PortableError

SCOPE = "https://management.azure.com/.default"
"""The Entra scope whose token the SCM site accepts (basic-auth publishing is off on portable's apps)."""
PUBLISH_PATH = "/api/publish?type=zip&RemoteBuild=false"
RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
_BODY_EXCERPT = 300


class PublishFailed(PortableError):
    """The package could not be published to the Function App."""


def scm_url(app: str) -> str:
    """The app's Kudu (SCM) site, where OneDeploy listens.

    >>> scm_url("orders-api-1a2b3c")
    'https://orders-api-1a2b3c.scm.azurewebsites.net'
    """
    return f"https://{app}.scm.azurewebsites.net"


def azure_token() -> str:
    """A bearer token for the SCM site from azure-identity's default credential chain (the same
    credentials ``pulumi up`` uses: ``az login``, environment, managed identity, ...)."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential().get_token(SCOPE).token


@dataclass(frozen=True)
class Publisher:
    """Publishes packages to one Function App.

    ``base_url`` defaults to the app's SCM site (tests point it at a local server); ``token`` returns a
    bearer token; ``attempts`` counts every try, the first included; the waits between them start at
    ``backoff`` seconds and double.
    """

    app: str
    token: Callable[[], str] = azure_token
    base_url: str | None = None
    attempts: int = 5
    backoff: float = 2.0
    timeout: float = 600.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @property
    def url(self) -> str:
        return (self.base_url or scm_url(self.app)).rstrip("/") + PUBLISH_PATH

    def publish(self, package: bytes) -> int:
        """POST ``package`` (a zip) to OneDeploy; returns the accepting HTTP status (200 or 202)."""
        wait = self.backoff
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                return self._post(package)
            except urllib.error.HTTPError as error:
                detail = error.read()[:_BODY_EXCERPT].decode("utf-8", "replace").strip()
                if error.code not in RETRIED_STATUSES or last:
                    raise self._failure(f"HTTP {error.code} {error.reason}", detail, attempt) from error
                self.sleep(_retry_after(error.headers.get("Retry-After"), wait))
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if last:
                    reason = getattr(error, "reason", error)
                    raise self._failure(f"no answer ({reason})", "", attempt) from error
                self.sleep(wait)
            wait *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _post(self, package: bytes) -> int:
        request = urllib.request.Request(self.url, data=package, method="POST", headers={
            "Authorization": f"Bearer {self.token()}",
            "Content-Type": "application/zip",
            "User-Agent": "portable-onedeploy",
        })
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return int(response.status)

    def _failure(self, what: str, detail: str, attempts: int) -> PublishFailed:
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        body = f": {detail}" if detail else ""
        return PublishFailed(
            f"Publishing the package to Function App {self.app!r} failed after {tries}: {what}{body}",
            hint=f"Check that the app exists and that your Azure identity may deploy to it ({self.url}); "
                 "run `pulumi up` again to retry.",
        )


def _retry_after(header: str | None, default: float) -> float:
    """The wait a busy server asks for (``Retry-After`` in seconds), capped; ``default`` otherwise.

    >>> _retry_after("3", 2.0), _retry_after(None, 2.0), _retry_after("Wed, 21 Oct 2015", 2.0), _retry_after("900", 1)
    (3.0, 2.0, 2.0, 60.0)
    """
    try:
        return min(float(header), MAX_RETRY_AFTER) if header else default
    except ValueError:
        return default
