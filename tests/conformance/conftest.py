"""The emulators the boxes use, started once per test process on 127.0.0.1 (the provider tests' fixtures)."""

from tests.providers.aws.conftest import moto_server
from tests.providers.gcp.conftest import firestore_emulator, gcs_emulator

__all__ = ["firestore_emulator", "gcs_emulator", "moto_server"]
