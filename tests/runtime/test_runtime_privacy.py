"""No module outside portable/runtime touches a private member of a runtime type.

The shims build neutral events through the runtime types' own constructors (``HttpRequest.from_parts``,
``MultiDict(...)``, ``EnvironHeaders``, ``Message(...)``); a rename inside portable/runtime must
not silently break one cloud. The scan is by name: every ``x._name`` whose ``_name`` is a private
member (slot, attribute, method or class attribute) of a class in portable/runtime is refused, unless a
class of the same module that does not derive from a runtime type defines that name itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "portable" / "runtime"
SCANNED = ("portable", "providers", "examples", "tests")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _defined(cls: ast.ClassDef) -> set[str]:
    """The private names a class body defines: slots, class attributes and methods."""
    names: set[str] = set()
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                    if target.id == "__slots__" and node.value is not None:
                        names.update(e.value for e in ast.walk(node.value)
                                     if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return {n for n in names if _private(n)}


def _members(cls: ast.ClassDef) -> set[str]:
    """What the class defines, plus the private attributes its methods assign (``self._x = ...``)."""
    stored = {node.attr for node in ast.walk(cls) if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id == "self"}
    return _defined(cls) | {n for n in stored if _private(n)}


def _runtime_imports(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names imported from portable.runtime modules, local names of imported portable.runtime modules)."""
    names: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("portable.runtime"):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.asname or alias.name for alias in node.names
                           if alias.name.startswith("portable.runtime") and alias.asname)
    return names, modules


def _derives(cls: ast.ClassDef, names: set[str], modules: set[str]) -> bool:
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in names:
            return True
        if isinstance(base, ast.Attribute) and ast.unparse(base.value).startswith(tuple(modules | {"portable.runtime"})):
            return True
    return False


def runtime_private_names() -> set[str]:
    """The private member names of the classes in portable/runtime."""
    names: set[str] = set()
    for path in RUNTIME.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names |= _members(node)
    return names


def violations(source: str, private: set[str]) -> list[str]:
    """``line: x._name`` for each access to a runtime type's private member in ``source``."""
    tree = ast.parse(source)
    names, modules = _runtime_imports(tree)
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    derived: set[str] = set()
    for cls in classes:  # classes deriving (directly or through this module) from a runtime type
        if _derives(cls, names | derived, modules):
            derived.add(cls.name)
    own: set[str] = set()
    for cls in classes:
        if cls.name not in derived:
            own |= _members(cls)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private and node.attr not in own:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ClassDef) and node.name in derived:
            found.extend(f"{node.lineno}: class {node.name} redefines {name}"
                         for name in sorted(_defined(node) & private))
    return sorted(found, key=lambda hit: int(hit.partition(":")[0]))


def test_no_module_outside_the_runtime_touches_a_private_member_of_a_runtime_type() -> None:
    private = runtime_private_names()
    assert {"_body_src", "_src", "_d", "_json", "_cookie_src", "_what"} <= private  # the scan sees them
    this = Path(__file__).resolve()
    found = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.is_relative_to(RUNTIME) or path.resolve() == this or any(
                    part.startswith(".") for part in path.relative_to(ROOT).parts):  # e.g. .portable/build/deps
                continue
            hits = violations(path.read_text(encoding="utf-8"), private)
            if hits:
                found[str(path.relative_to(ROOT))] = hits
    assert found == {}


def test_the_scan_finds_writes_reads_and_subclasses() -> None:
    private = runtime_private_names()
    source = '''
from portable.runtime.http import HttpRequest

class View(HttpRequest):
    _what = "view"

    def __init__(self, event):
        self._body_src = event["body"]

def peek(request):
    return request._json
'''
    assert violations(source, private) == [
        "4: class View redefines _what", "8: self._body_src", "11: request._json",
    ]


def test_a_class_of_its_own_may_use_the_same_private_names() -> None:
    private = runtime_private_names()
    source = '''
class Table:
    def __init__(self):
        self._key = ("pk",)

    def key(self):
        return self._key
'''
    assert violations(source, private) == []
