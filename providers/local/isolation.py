"""Functions from different source folders keep their own modules, as each has its own bundle on a cloud.

Two functions whose folders each hold a ``handlers.py`` would otherwise share whichever was imported
first (``sys.modules`` is one per process). While a function's handler is imported, the modules of
the other folders step out of ``sys.modules`` and the function's own (from earlier imports) step in,
with its folder first on ``sys.path``; afterwards each folder's modules are kept in its own space and
the others come back. A handler holds references to what it imported, so it keeps its own modules
for good. Not covered: an ``import`` run inside a handler at call time finds whatever ``sys.modules``
holds then (import at module level, as usual).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from portable.runtime.dispatch import Function

if TYPE_CHECKING:
    from portable.runtime.dispatch import Handler


class ModuleSpaces:
    """The modules of each source folder of a stack."""

    def __init__(self, sources: list[Path]) -> None:
        self._roots = sorted((str(s) for s in sources), key=len, reverse=True)  # the innermost folder first
        self._spaces: dict[str, dict[str, ModuleType]] = {root: {} for root in self._roots}
        self._lock = threading.RLock()

    def clear(self) -> None:
        """Forget every kept module (code reload)."""
        with self._lock:
            for space in self._spaces.values():
                space.clear()

    def root_of(self, module: ModuleType) -> str | None:
        file = getattr(module, "__file__", None)
        if not file:
            return None
        return next((root for root in self._roots if file.startswith(root + os.sep)), None)

    @contextmanager
    def importing(self, source: Path) -> Iterator[None]:
        """Import inside the block as if ``source`` were the only source folder."""
        root = str(source)
        with self._lock:
            others = {name: m for name, m in list(sys.modules.items()) if self.root_of(m) not in (None, root)}
            for name in others:
                del sys.modules[name]
            sys.modules.update(self._spaces[root])
            sys.path.insert(0, root)
            try:
                yield
            finally:
                sys.path.remove(root)  # the first occurrence: the one inserted above
                own = {name: m for name, m in list(sys.modules.items()) if self.root_of(m) == root}
                self._spaces[root].update(own)
                for name, module in others.items():
                    self._spaces[self.root_of(module) or root][name] = module
                    if name not in own:
                        sys.modules[name] = module


class IsolatedFunction(Function):
    """A :class:`Function` whose handler is imported in its source folder's module space."""

    __slots__ = ("_source", "_spaces")

    def __init__(self, *args: Any, spaces: ModuleSpaces, source: Path, **kwargs: Any) -> None:
        self._spaces = spaces
        self._source = source
        super().__init__(*args, **kwargs)

    def load(self) -> Handler:
        with self._spaces.importing(self._source):
            return super().load()
