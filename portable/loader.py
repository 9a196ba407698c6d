"""Find the stack a command works on: TARGET, named the way uvicorn names applications.

A TARGET is one of:

- ``module:attribute`` (``app.stack:stack``), imported with the current directory on ``sys.path``;
- a Python file (``stack.py``, or ``stack.py:attribute``): the one Stack it defines, or its ``stack``;
- a YAML or JSON file (``stack.yaml``, ``stack.yml``, ``stack.json``);
- a folder holding one of ``stack.py``, ``stack.yaml``, ``stack.yml``, ``stack.json`` (in that order).

The result carries the folder ``source`` paths are relative to. Every failure is a
:class:`~portable.errors.PortableError` with a hint; a crash in the user's own code names the user's
file and line, not the loader's.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import yaml

from portable.errors import PortableError, Problem, StackInvalid, UsageError
from portable.model import Stack
from portable.naming import short_hash

STACK_FILES = ("stack.py", "stack.yaml", "stack.yml", "stack.json")
_MODULE_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_TARGET_HINT = (
    "Give a stack file (stack.py, stack.yaml, stack.json), a folder holding one, or module:attribute "
    "(e.g. 'app.stack:stack')."
)


PROJECT_FILE = "Pulumi.yaml"


@dataclass(frozen=True)
class LoadedStack:
    """A stack and where it came from: ``root`` is the folder its functions' ``source`` is relative to,
    ``origin`` how messages name it (a path, or ``module:attribute``)."""

    stack: Stack
    root: Path
    origin: str

    @property
    def project(self) -> Path:
        """The Pulumi project folder, found as Pulumi finds it: the nearest folder holding Pulumi.yaml,
        from ``root`` upward (``root`` itself when there is none). Its Pulumi.<stack>.yaml is the config."""
        for folder in (self.root, *self.root.parents):
            if (folder / PROJECT_FILE).is_file():
                return folder
        return self.root

    def warnings(self) -> list[Problem]:
        """What is valid but likely a mistake (the wrong target): a stack with no functions, or with nothing."""
        resources = len(list(self.stack.resources()))
        subject = f"Stack {self.stack.name!r} ({self.origin})"
        if self.stack.functions:
            return []
        if not resources:
            return [Problem("", f"{subject} declares nothing: no functions and no resources", "warning")]
        those = "this resource" if resources == 1 else f"these {resources} resources"
        return [Problem("functions", f"{subject} declares no functions; nothing would use {those}", "warning")]


def load_target(target: str, *, cwd: Path | None = None) -> LoadedStack:
    """Load the stack ``target`` names (see the module docstring); ``cwd`` defaults to the current directory."""
    base = (cwd or Path.cwd()).resolve()
    file_part, colon, attribute = target.rpartition(":")
    if colon and file_part.endswith(".py") and (base / file_part).is_file():
        return _load_python(base / file_part, attribute, target)
    path = base / target
    if path.is_dir():
        return _load_folder(path, target)
    if path.is_file():
        return _load_file(path, target)
    if _MODULE_TARGET.match(target):
        return _load_module(target, base)
    raise UsageError(f"No file or folder {target!r} in {base}", hint=_TARGET_HINT)


def _load_folder(folder: Path, target: str) -> LoadedStack:
    for name in STACK_FILES:
        if (folder / name).is_file():
            return _load_file(folder / name, str(Path(target) / name))
    raise UsageError(
        f"Folder {target!r} holds no stack file (looked for {', '.join(STACK_FILES)} in {folder})",
        hint=_TARGET_HINT,
    )


def _load_file(path: Path, origin: str) -> LoadedStack:
    suffix = path.suffix.lower()
    if suffix == ".py":
        return _load_python(path, None, origin)
    if suffix in (".yaml", ".yml"):
        return LoadedStack(_from_data(_read_yaml(path, origin), path, origin), path.parent.resolve(), origin)
    if suffix == ".json":
        return LoadedStack(_from_data(_read_json(path, origin), path, origin), path.parent.resolve(), origin)
    raise UsageError(f"{origin!r} is not a stack file: use a .py, .yaml, .yml or .json file", hint=_TARGET_HINT)


# -- Python ------------------------------------------------------------------------------------


def _load_python(path: Path, attribute: str | None, origin: str) -> LoadedStack:
    path = path.resolve()
    digest = short_hash(str(path))
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_portable_target_{stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"Cannot import {origin!r} as Python", hint=_TARGET_HINT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic and dataclasses in the user's file look their module up
    try:
        with _path_first(path.parent), _explained(origin, path.parent):
            spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    stack = _pick(module, attribute, origin)
    return LoadedStack(stack, path.parent, origin)


def _load_module(target: str, cwd: Path) -> LoadedStack:
    module_name, _, attribute = target.partition(":")
    with _path_first(cwd):
        try:
            with _explained(target, cwd):
                module = importlib.import_module(module_name)
        except PortableError as error:
            missing = error.__cause__ if isinstance(error.__cause__, ModuleNotFoundError) else None
            if missing is not None and missing.name and (
                module_name == missing.name or module_name.startswith(missing.name + ".")
            ):
                raise UsageError(
                    f"No module named {module_name!r} (searched from {cwd} and the installed packages)",
                    hint="Run portable from the folder that holds the package, or give the path to the stack file.",
                ) from None
            raise
    stack = _pick(module, attribute, target)
    file = getattr(module, "__file__", None)
    root = Path(file).resolve().parent if file else cwd
    return LoadedStack(stack, root, target)


def _pick(module: ModuleType, attribute: str | None, origin: str) -> Stack:
    where = origin.rpartition(":")[0] if attribute else origin
    if attribute:
        value: Any = module
        for part in attribute.split("."):
            if not hasattr(value, part):
                raise UsageError(
                    f"{where!r} has no attribute {attribute!r}",
                    hint=f"Stacks defined there: {_names(module)}." if _stacks(module) else None,
                )
            value = getattr(value, part)
        if not isinstance(value, Stack):
            raise UsageError(f"{origin!r} is a {type(value).__name__}, not a Stack")
        return value
    stacks = _stacks(module)
    if "stack" in stacks:
        return stacks["stack"]
    if len(stacks) == 1:
        return next(iter(stacks.values()))
    if not stacks:
        raise PortableError(
            f"{where!r} defines no Stack",
            hint="Declare one at module level, e.g.: stack = Stack(\"shop\")",
        )
    raise UsageError(
        f"{where!r} defines {len(stacks)} stacks ({_names(module)}); name one",
        hint=f"e.g. {where}:{next(iter(stacks))}",
    )


def _stacks(module: ModuleType) -> dict[str, Stack]:
    return {k: v for k, v in vars(module).items() if isinstance(v, Stack) and not k.startswith("_")}


def _names(module: ModuleType) -> str:
    return ", ".join(repr(n) for n in _stacks(module))


@contextmanager
def _path_first(folder: Path) -> Iterator[None]:
    """Put ``folder`` first on ``sys.path`` while the user's module runs (as ``python stack.py`` would)."""
    entry = str(folder)
    added = entry not in sys.path
    if added:
        sys.path.insert(0, entry)
    try:
        yield
    finally:
        if added and entry in sys.path:
            sys.path.remove(entry)


@contextmanager
def _explained(origin: str, folder: Path) -> Iterator[None]:
    """Turn an exception raised while the user's code runs into a PortableError naming the user's line."""
    try:
        yield
    except PortableError as error:
        line = _user_line(error.__traceback__, folder)
        if line and not error.hint:
            error.hint = f"Raised at {line}"
        raise
    except SyntaxError as error:
        where = f"{error.filename}, line {error.lineno}" if error.filename else origin
        text = (error.text or "").rstrip()
        caret = f"\n    {' ' * max((error.offset or 1) - 1, 0)}^" if text and error.offset else ""
        raise PortableError(
            f"Loading {origin!r} failed: {error.msg} ({where})",
            hint=f"{where}:\n    {text.strip()}{caret}" if text else None,
        ) from error
    except Exception as error:
        line = _user_line(error.__traceback__, folder)
        raise PortableError(
            f"Loading {origin!r} failed: {type(error).__name__}: {error}",
            hint=f"Raised at {line}" if line else None,
        ) from error


def _user_line(tb: TracebackType | None, folder: Path) -> str | None:
    """``file, line N, in function: code`` of the innermost frame in the user's files (under
    ``folder``, outside portable), or of the innermost frame outside portable and the import system."""
    frames = traceback.extract_tb(tb)
    package = str(Path(__file__).resolve().parent)
    outside = [
        f for f in frames
        if not f.filename.startswith("<") and not str(Path(f.filename).resolve()).startswith(package)
    ]
    mine = [f for f in outside if str(Path(f.filename).resolve()).startswith(str(folder))]
    if not (mine or outside):
        return None
    frame = (mine or outside)[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"{frame.filename}, line {frame.lineno}, in {frame.name}{code}"


# -- YAML and JSON -----------------------------------------------------------------------------


MAX_STACK_FILE_BYTES = 1024 * 1024
"""A stack file declares resources, not data: a larger one is refused before it is parsed."""
_MERGE_TAG = "tag:yaml.org,2002:merge"
_FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a key given twice in one mapping is an error, not a silent overwrite.

    Merge keys (``<<: *base``) work as in YAML 1.1: the mapping's own keys override the merged ones.
    """


class _FastStrictLoader(_FastSafeLoader):  # type: ignore[valid-type,misc]
    """The same on libyaml's parser when PyYAML has it (several times faster on large files)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping (first on line "
                f"{seen[key].start_mark.line + 1})", key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


for _loader in (_StrictLoader, _FastStrictLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(path: Path, origin: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_STACK_FILE_BYTES:
            raise PortableError(
                f"{origin!r} is {size:,} bytes; a stack file may be at most {MAX_STACK_FILE_BYTES:,} bytes (1 MiB)",
                hint="A stack file declares functions and resources; keep data in a bucket or a table.",
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PortableError(f"Cannot read {origin!r}: {error}") from None


def _read_yaml(path: Path, origin: str) -> Any:
    text = _read(path, origin)
    try:
        return yaml.load(text, Loader=_FastStrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError:
        pass  # parse again with the pure-Python parser, whose messages and marks are the ones explained
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "syntax error"
        raise PortableError(
            f"{origin!r} is not valid YAML{where}: {problem}",
            hint=_context(text, mark.line if mark else None)
            or "Check the indentation and the quoting near that line.",
        ) from None
    except yaml.YAMLError as error:
        raise PortableError(f"{origin!r} is not valid YAML: {error}") from None


def _read_json(path: Path, origin: str) -> Any:
    text = _read(path, origin)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PortableError(
            f"{origin!r} is not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            hint=_context(text, error.lineno - 1),
        ) from None


def _context(text: str, line: int | None) -> str | None:
    lines = text.splitlines()
    if line is None or not 0 <= line < len(lines):
        return None
    return f"line {line + 1}: {lines[line].strip()}"


def _from_data(data: Any, path: Path, origin: str) -> Stack:
    if data is None:
        raise PortableError(f"{origin!r} is empty", hint="A stack file needs at least: name: my-stack")
    try:
        return Stack.from_dict(data)
    except StackInvalid as error:
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise
        lines = _line_numbers(_read(path, origin))
        problems = [
            Problem(p.path, f"{p.message} ({path.name} line {lines[p.path]})" if p.path in lines else p.message, p.severity)
            for p in error.problems
        ]
        raise StackInvalid(problems, subject=f"{error.subject} in {origin}") from None


def _line_numbers(text: str) -> dict[str, int]:
    """Problem path (``functions.api.memory``, named items by name) -> line of that node in the YAML."""
    try:
        root = yaml.compose(text, Loader=_FastSafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if path:
            found[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    child = f"{path}.{key.value}" if path else str(key.value)
                    found[child] = key.start_mark.line + 1
                    walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                label = str(index)
                if isinstance(item, yaml.MappingNode):
                    name = next(
                        (v.value for k, v in item.value if isinstance(k, yaml.ScalarNode) and k.value == "name"
                         and isinstance(v, yaml.ScalarNode)),
                        None,
                    )
                    label = name if path.count(".") == 0 and name else label
                walk(item, f"{path}.{label}")

    if root is not None:
        walk(root, "")
    return found
