"""portable: declare a serverless application once, run it on AWS, Azure, Google Cloud or locally.

The model names are re-exported lazily, so ``import portable.runtime`` (inside a function) does not
import pydantic.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing costs about 3 ms of every cold start; this module ships inside functions
if TYPE_CHECKING:
    from typing import Any

_MODEL_NAMES = {
    "Bucket", "Function", "Http", "Link", "ObjectTrigger", "Queue", "QueueTrigger", "Schedule",
    "Secret", "Stack", "Table", "Topic", "TopicTrigger", "json_schema",
}

__all__ = sorted(_MODEL_NAMES)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _MODEL_NAMES:
        return getattr(importlib.import_module("portable.model"), name)
    raise AttributeError(f"module 'portable' has no attribute {name!r}")
