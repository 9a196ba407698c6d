"""Fixtures for the Azure provider tests: an Azurite (blob, queue, table) on free loopback ports
(the fixture ``azurite`` lives in tests.emulators, shared with the migrate tests)."""

from __future__ import annotations

from tests.emulators import azurite as azurite
