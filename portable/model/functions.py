"""Functions: the handler code, its size, its triggers and the resources it links to."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from portable.model.base import Name, Options, PortableModel
from portable.model.links import Link
from portable.model.monitoring import FunctionAlarms
from portable.model.triggers import Http, Schedule, Trigger

PythonVersion = Literal["3.11", "3.12", "3.13", "3.14"]
Architecture = Literal["x86_64", "arm64"]
LogLevel = Literal["off", "error", "info", "debug"]

_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED_PREFIXES = ("PORTABLE_", "AWS_", "LAMBDA_", "FUNCTIONS_", "WEBSITE_", "AZUREWEBJOBS", "X_GOOGLE_", "GOOGLE_")
_RESERVED_NAMES = frozenset(
    {"_HANDLER", "_X_AMZN_TRACE_ID", "TZ", "PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION",
     "PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "HOME", "APPLICATIONINSIGHTS_CONNECTION_STRING"}
)


def _reserved(name: str) -> bool:
    upper = name.upper()
    return upper in _RESERVED_NAMES or upper.startswith(_RESERVED_PREFIXES)


class Function(PortableModel):
    """A function: ``handler`` (``module.path:function``) in ``source``, run by ``triggers``.

    ``links`` name the resources it may use; nothing else is granted. ``options`` is the escape hatch:
    per provider, arguments merged into the native function resource.

    >>> Function(name="api", handler="app.api:handle", triggers=[Http("GET", "/")]).memory
    512
    """

    label: ClassVar[str] = "Function"
    units: ClassVar[dict[str, str]] = {"memory": "MB", "timeout": "seconds"}
    is_named: ClassVar[bool] = True

    name: Name
    """The function's name, unique in the stack."""
    handler: str
    """``module.path:function``, importable from ``source``."""
    source: str = "."
    """The folder holding the handler's package, relative to the stack file."""
    runtime: PythonVersion = "3.12"
    """The Python version, as a string (``'3.12'``)."""
    memory: int = Field(default=512, ge=128, le=32768)
    """Memory in MB; each cloud allows its own sizes (``portable.registry.check_stack``)."""
    timeout: int = Field(default=30, ge=1, le=3600)
    """Seconds one invocation may run."""
    environment: dict[str, str] = {}
    """Plain environment variables (never secrets: link a Secret instead)."""
    architecture: Architecture = "x86_64"
    """CPU architecture (``arm64`` runs on AWS only)."""
    min_instances: int = Field(default=0, ge=0, le=1000)
    """Instances kept warm (billed while idle)."""
    max_instances: int | None = Field(default=None, ge=1, le=1000)
    """Upper bound on concurrent instances; ``None`` leaves the cloud's default."""
    requirements: tuple[str, ...] = ()
    """Extra pip requirements bundled with the code."""
    links: tuple[Link, ...] = ()
    """The resources the function may use, and how: nothing else is granted."""
    triggers: tuple[Trigger, ...] = ()
    """What runs the function; none means it is only invoked directly."""
    log_level: LogLevel = "error"
    """Portable's own invocation log line: ``error`` writes one for each failed invocation, ``info`` one
    for every invocation, ``debug`` adds a summary of the event, ``off`` none. The cloud's own record of
    each invocation (Lambda's REPORT line, Cloud Run's request log, Application Insights' requests) is
    kept whatever the level."""
    alarms: FunctionAlarms | None = None
    """This function's alarm settings, where they differ from the stack's ``monitoring``."""
    options: Options = {}
    """Per provider, arguments merged into the native function resource."""

    @field_validator("runtime", mode="before")
    @classmethod
    def _quoted_version(cls, runtime: Any) -> Any:
        if isinstance(runtime, int | float) and not isinstance(runtime, bool):
            raise ValueError(
                f"runtime must be a string such as '3.12'; got the number {runtime!r} "
                "(in YAML write runtime: '3.12' with quotes: unquoted 3.10 reads as 3.1)"
            )
        return runtime

    @field_validator("handler")
    @classmethod
    def _handler_syntax(cls, handler: str) -> str:
        if not _HANDLER.match(handler):
            raise ValueError(
                f"handler {handler!r} must look like 'module.path:function' (e.g. 'app.orders:create')"
            )
        return handler

    @field_validator("environment")
    @classmethod
    def _environment_names(cls, environment: dict[str, str]) -> dict[str, str]:
        for name in environment:
            if not _ENV_NAME.match(name):
                raise ValueError(
                    f"environment variable name {name!r} is not valid; use letters, digits and '_', not starting with a digit"
                )
            if _reserved(name):
                raise ValueError(
                    f"environment variable {name!r} is reserved by portable or a cloud runtime; choose another name "
                    f"(reserved: {', '.join(p + '*' for p in _RESERVED_PREFIXES)}, {', '.join(sorted(_RESERVED_NAMES))})"
                )
        return environment

    @model_validator(mode="after")
    def _consistent(self) -> Function:
        if self.max_instances is not None and self.min_instances > self.max_instances:
            raise ValueError(
                f"min_instances {self.min_instances} is above max_instances {self.max_instances}"
            )
        seen: set[tuple[str, str]] = set()
        for link in self.links:
            if (link.kind, link.name) in seen:
                raise ValueError(f"links name {link.kind} {link.name!r} twice; keep one link per resource")
            seen.add((link.kind, link.name))
        return self

    @property
    def module(self) -> str:
        return self.handler.split(":", 1)[0]

    @property
    def http_triggers(self) -> tuple[Http, ...]:
        return tuple(t for t in self.triggers if isinstance(t, Http))

    def schedules(self) -> list[tuple[str, Schedule]]:
        """Each Schedule trigger with its name: its own, or the function's (``-2``, ``-3`` for more)."""
        found = [t for t in self.triggers if isinstance(t, Schedule)]
        return [
            (s.name or (self.name if i == 0 else f"{self.name}-{i + 1}"), s) for i, s in enumerate(found)
        ]

    def link_to(self, kind: str, name: str) -> Link | None:
        return next((link for link in self.links if link.kind == kind and link.name == name), None)
