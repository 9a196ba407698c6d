"""Physical names of the Google Cloud resources of a stack, through :func:`portable.naming.physical_name`.

Google's limits: Cloud Run services 49 characters (safe), service account ids 6-30, bucket names 63
(global: they end with a hash of the project id), Firestore databases 4-63, Eventarc triggers 63
(lowercase letters, digits, ``-``), Pub/Sub topics and subscriptions 255.

>>> names = Names("orders", "acme-orders")
>>> names.service("receipt-worker")
'orders-receipt-worker'
>>> Names("ab", "p").account("cd")
'ab-cd-5db3'
>>> names.account(INTERNAL + "invoker")
'orders--invoker'
"""

from __future__ import annotations

from dataclasses import dataclass

from portable.naming import physical_name, short_hash

SERVICE_LIMIT = 49
ACCOUNT_LIMIT = 30
BUCKET_LIMIT = 63
DATABASE_LIMIT = 63
PUBSUB_LIMIT = 255
SECRET_LIMIT = 255
JOB_LIMIT = 500
TRIGGER_LIMIT = 63


INTERNAL = "-"
"""Names of the stack's own resources (code bucket, trigger identity) start with this after the stack
name's ``-``: portable names never start with ``-`` (nor contain ``--``), so they cannot clash."""


def _at_least(name: str, minimum: int) -> str:
    return name if len(name) >= minimum else f"{name}-{short_hash(name, 4)}"


@dataclass(frozen=True)
class Names:
    """The physical names of one stack's resources in the Google Cloud project ``project``."""

    stack: str
    project: str

    def of(self, name: str) -> str:
        """Pub/Sub topics and subscriptions, secrets, scheduler jobs: ``<stack>-<name>``."""
        return physical_name(self.stack, name, PUBSUB_LIMIT)

    def trigger(self, name: str) -> str:
        """Eventarc triggers: ``<stack>-<name>``, at most 63 characters.

        >>> Names("northwind-billing-production", "p").trigger("invoice-objects-receipts-bucket-created")
        'northwind-billing-production-invoice-objects-receipts-73c21c12'
        """
        return physical_name(self.stack, name, TRIGGER_LIMIT)

    def service(self, function: str) -> str:
        return physical_name(self.stack, function, SERVICE_LIMIT)

    def account(self, name: str) -> str:
        return _at_least(physical_name(self.stack, name, ACCOUNT_LIMIT), 6)

    def bucket(self, name: str) -> str:
        """Globally unique: ``<stack>-<name>-<hash of the project id>``."""
        return physical_name(self.stack, f"{name}-{short_hash(self.project, 6)}", BUCKET_LIMIT)

    def database(self, table: str) -> str:
        return _at_least(physical_name(self.stack, table, DATABASE_LIMIT), 4)
