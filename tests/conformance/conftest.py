"""The emulators the boxes use, started once per test process on 127.0.0.1."""

from tests.providers.aws.conftest import moto_server

__all__ = ["moto_server"]
