"""Code reload: forget the handler modules of a project so that the next invocation imports them anew.

Queued messages are untouched (they live in SQLite), and invocations already running finish on the
old code. :class:`Watcher` calls back when a ``.py`` file under the watched folders changes.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path


def forget_modules(folders: Iterable[Path]) -> list[str]:
    """Remove from ``sys.modules`` every module loaded from a file under ``folders``; returns their names.

    Their bytecode caches go too: a pyc is checked by the source's size and mtime in whole seconds, so
    an edit of the same size within the same second would otherwise import the old code.
    """
    roots = [str(folder.resolve()) for folder in folders]
    gone = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and any(file.startswith(root + os.sep) for root in roots):
            del sys.modules[name]
            gone.append(name)
            cached = getattr(module, "__cached__", None)
            if cached:
                Path(cached).unlink(missing_ok=True)
    return gone


class Watcher:
    """A thread watching ``folders`` (with watchfiles) that calls ``on_change(paths)`` for ``.py`` changes."""

    def __init__(self, folders: list[Path], on_change: Callable[[list[str]], None]) -> None:
        self.folders = folders
        self._on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="portable-reloader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        from watchfiles import watch

        folders = [str(f) for f in self.folders if f.is_dir()]
        if not folders:
            return
        for changes in watch(*folders, stop_event=self._stop, debounce=200, step=50, yield_on_timeout=False,
                             raise_interrupt=False):
            paths = sorted({path for _, path in changes if path.endswith(".py")})
            if paths:
                self._on_change(paths)
