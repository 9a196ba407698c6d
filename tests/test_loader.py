"""load_target: every way to name a stack, and every way it can go wrong, explained."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from portable.errors import PortableError, StackInvalid, UsageError
from portable.loader import load_target

STACK_PY = 'from portable import Stack\n\nstack = Stack("shop")\nstack.queue("jobs")\n'


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- what a target can be ------------------------------------------------------------------------


def test_a_folder_prefers_stack_py(orders_dir: Path) -> None:
    loaded = load_target(str(orders_dir))
    assert loaded.stack.name == "orders"
    assert loaded.root == orders_dir
    assert loaded.origin == str(orders_dir / "stack.py")


def test_relative_targets_resolve_against_cwd(orders_dir: Path) -> None:
    loaded = load_target("orders", cwd=orders_dir.parent)
    assert (loaded.root, loaded.origin) == (orders_dir, "orders/stack.py")


def test_yaml_and_python_twins_load_equal(orders_dir: Path) -> None:
    assert load_target(str(orders_dir / "stack.yaml")).stack == load_target(str(orders_dir / "stack.py")).stack


@pytest.mark.parametrize("name", ["stack.yaml", "stack.yml"])
def test_a_folder_with_a_yaml_stack(tmp_path: Path, name: str) -> None:
    _write(tmp_path, name, "name: shop\nqueues: [{name: jobs}]\n")
    loaded = load_target(".", cwd=tmp_path)
    assert (loaded.stack.name, loaded.root, loaded.origin) == ("shop", tmp_path, name)


def test_a_json_file(tmp_path: Path) -> None:
    _write(tmp_path, "app/stack.json", '{"name": "shop", "topics": [{"name": "events"}]}')
    loaded = load_target("app/stack.json", cwd=tmp_path)
    assert loaded.stack.topics[0].name == "events"
    assert loaded.root == tmp_path / "app"


def test_a_python_file_with_an_attribute(tmp_path: Path) -> None:
    _write(tmp_path, "infra.py", 'from portable import Stack\n\nprod = Stack("prod")\ntest = Stack("test")\n')
    assert load_target("infra.py:test", cwd=tmp_path).stack.name == "test"


def test_the_one_stack_in_a_file_need_not_be_called_stack(tmp_path: Path) -> None:
    _write(tmp_path, "app.py", 'from portable import Stack\n\nshop = Stack("shop")\n')
    assert load_target("app.py", cwd=tmp_path).stack.name == "shop"


def test_a_module_and_attribute(tmp_path: Path) -> None:
    _write(tmp_path, "myapp/__init__.py", "")
    _write(tmp_path, "myapp/deploy.py", STACK_PY)
    loaded = load_target("myapp.deploy:stack", cwd=tmp_path)
    assert (loaded.stack.name, loaded.root, loaded.origin) == ("shop", tmp_path / "myapp", "myapp.deploy:stack")
    assert str(tmp_path) not in sys.path
    for name in ("myapp", "myapp.deploy"):
        sys.modules.pop(name, None)


def test_a_stack_file_can_import_its_neighbours(tmp_path: Path) -> None:
    _write(tmp_path, "settings.py", "MEMORY = 1024\n")
    _write(tmp_path, "stack.py", (
        "from portable import Stack\nfrom settings import MEMORY\n\n"
        "stack = Stack('shop')\nstack.function('api', 'app:run', memory=MEMORY)\n"
    ))
    assert load_target(str(tmp_path)).stack.functions[0].memory == 1024
    assert str(tmp_path) not in sys.path
    sys.modules.pop("settings", None)


def test_each_load_runs_the_file_again(tmp_path: Path) -> None:
    path = _write(tmp_path, "stack.py", STACK_PY)
    first = load_target(str(path)).stack
    path.write_text(STACK_PY.replace('"jobs"', '"mail"'))
    assert first.queues[0].name == "jobs"
    assert load_target(str(path)).stack.queues[0].name == "mail"


# -- what can go wrong -------------------------------------------------------------------------


def test_nothing_there(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_target("nope/stack.yaml", cwd=tmp_path)
    assert caught.value.message == f"No file or folder 'nope/stack.yaml' in {tmp_path}"
    assert caught.value.hint == (
        "Give a stack file (stack.py, stack.yaml, stack.json), a folder holding one, or module:attribute "
        "(e.g. 'app.stack:stack')."
    )
    assert caught.value.exit_code == 2


def test_a_folder_without_a_stack(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError) as caught:
        load_target("empty", cwd=tmp_path)
    assert caught.value.message == (
        f"Folder 'empty' holds no stack file (looked for stack.py, stack.yaml, stack.yml, stack.json in "
        f"{tmp_path / 'empty'})"
    )


def test_not_a_stack_file(tmp_path: Path) -> None:
    _write(tmp_path, "stack.toml", "name = 'shop'\n")
    with pytest.raises(UsageError, match=r"'stack.toml' is not a stack file: use a .py, .yaml, .yml or .json file"):
        load_target("stack.toml", cwd=tmp_path)


def test_a_module_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_target("nosuchpackage.stack:stack", cwd=tmp_path)
    assert caught.value.message == (
        f"No module named 'nosuchpackage.stack' (searched from {tmp_path} and the installed packages)"
    )


def test_an_attribute_that_is_not_a_stack(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^'json:dumps' is a function, not a Stack$"):
        load_target("json:dumps", cwd=tmp_path)


def test_an_attribute_that_does_not_exist(tmp_path: Path) -> None:
    _write(tmp_path, "stack.py", STACK_PY)
    with pytest.raises(UsageError) as caught:
        load_target("stack.py:prod", cwd=tmp_path)
    assert (caught.value.message, caught.value.hint) == (
        "'stack.py' has no attribute 'prod'", "Stacks defined there: 'stack'.",
    )


def test_a_file_without_a_stack(tmp_path: Path) -> None:
    _write(tmp_path, "stack.py", "x = 1\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.py", cwd=tmp_path)
    assert (caught.value.message, caught.value.hint) == (
        "'stack.py' defines no Stack", 'Declare one at module level, e.g.: stack = Stack("shop")',
    )


def test_a_file_with_several_stacks(tmp_path: Path) -> None:
    _write(tmp_path, "infra.py", 'from portable import Stack\n\nprod = Stack("prod")\ntest = Stack("test")\n')
    with pytest.raises(UsageError) as caught:
        load_target("infra.py", cwd=tmp_path)
    assert (caught.value.message, caught.value.hint) == (
        "'infra.py' defines 2 stacks ('prod', 'test'); name one", "e.g. infra.py:prod",
    )


def test_a_crash_in_user_code_names_the_users_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "stack.py", "from portable import Stack\n\nstack = Stack('shop')\nstack.queue(undefined_name)\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.py", cwd=tmp_path)
    assert caught.value.message == "Loading 'stack.py' failed: NameError: name 'undefined_name' is not defined"
    assert caught.value.hint == f"Raised at {path}, line 4, in <module>: stack.queue(undefined_name)"
    assert not [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == str(path)]


def test_a_crash_in_a_helper_names_the_helpers_line(tmp_path: Path) -> None:
    helper = _write(tmp_path, "helpers.py", "def memory():\n    return 1 / 0\n")
    _write(tmp_path, "stack.py", "import helpers\n\nhelpers.memory()\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.py", cwd=tmp_path)
    assert caught.value.message == "Loading 'stack.py' failed: ZeroDivisionError: division by zero"
    assert caught.value.hint == f"Raised at {helper}, line 2, in memory: return 1 / 0"
    sys.modules.pop("helpers", None)


def test_a_missing_package_in_user_code(tmp_path: Path) -> None:
    _write(tmp_path, "stack.py", "import pandas_that_is_not_installed\n")
    with pytest.raises(PortableError, match=(
        r"^Loading 'stack.py' failed: ModuleNotFoundError: No module named 'pandas_that_is_not_installed'$"
    )):
        load_target("stack.py", cwd=tmp_path)


def test_a_model_error_in_user_code_keeps_its_message_and_gains_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "stack.py", STACK_PY + 'stack.function("api", "app.api", memory=64)\n')
    with pytest.raises(StackInvalid) as caught:
        load_target("stack.py", cwd=tmp_path)
    assert str(caught.value) == (
        "Function 'api' has 2 problems:\n"
        "  - Function 'api': handler 'app.api' must look like 'module.path:function' (e.g. 'app.orders:create')\n"
        "  - Function 'api': memory must be at least 128; got 64"
    )
    assert caught.value.hint == (
        f"Raised at {path}, line 5, in <module>: stack.function(\"api\", \"app.api\", memory=64)"
    )


def test_a_syntax_error_in_user_code(tmp_path: Path) -> None:
    path = _write(tmp_path, "stack.py", "from portable import Stack\nstack = Stack('shop'\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.py", cwd=tmp_path)
    assert caught.value.message == f"Loading 'stack.py' failed: '(' was never closed ({path}, line 2)"
    assert caught.value.hint == f"{path}, line 2:\n    stack = Stack('shop'\n                 ^"


def test_a_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "stack.yaml", "name: shop\nfunctions:\n  - name: api\n   handler: app:run\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.yaml", cwd=tmp_path)
    assert caught.value.message == (
        "'stack.yaml' is not valid YAML at line 4, column 4: expected <block end>, but found '<block mapping start>'"
    )
    assert caught.value.hint == "line 4: handler: app:run"


def test_a_yaml_key_given_twice(tmp_path: Path) -> None:
    _write(tmp_path, "stack.yaml", "name: shop\nfunctions:\n  - name: api\n    handler: a:b\n    memory: 256\n"
                                   "    memory: 1024\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.yaml", cwd=tmp_path)
    assert caught.value.message == (
        "'stack.yaml' is not valid YAML at line 6, column 5: key 'memory' appears twice in one mapping "
        "(first on line 5)"
    )


def test_yaml_merge_keys_are_accepted_and_own_keys_override(tmp_path: Path) -> None:
    _write(tmp_path, "stack.yaml", (
        "name: shop\n"
        "functions:\n"
        "  - &worker {name: resize, handler: app:resize, memory: 1024, timeout: 120}\n"
        "  - <<: *worker\n"
        "    name: thumbnail\n"
        "    memory: 512\n"
    ))
    stack = load_target("stack.yaml", cwd=tmp_path).stack
    assert [(f.name, f.handler, f.memory, f.timeout) for f in stack.functions] == [
        ("resize", "app:resize", 1024, 120), ("thumbnail", "app:resize", 512, 120)]


def test_a_key_given_twice_beside_a_merge_key_is_still_refused(tmp_path: Path) -> None:
    _write(tmp_path, "stack.yaml", (
        "name: shop\n"
        "functions:\n"
        "  - &worker {name: resize, handler: app:resize}\n"
        "  - <<: *worker\n"
        "    name: thumbnail\n"
        "    name: preview\n"
    ))
    with pytest.raises(PortableError) as caught:
        load_target("stack.yaml", cwd=tmp_path)
    assert caught.value.message == (
        "'stack.yaml' is not valid YAML at line 6, column 5: key 'name' appears twice in one mapping "
        "(first on line 5)"
    )


@pytest.mark.parametrize("name", ["stack.yaml", "stack.json"])
def test_an_oversized_stack_file_is_refused_before_it_is_parsed(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, "name: shop\n" + "# padding\n" * 120_000)  # not valid JSON: never parsed
    with pytest.raises(PortableError) as caught:
        load_target(name, cwd=tmp_path)
    size = path.stat().st_size
    assert (caught.value.message, caught.value.hint) == (
        f"{name!r} is {size:,} bytes; a stack file may be at most 1,048,576 bytes (1 MiB)",
        "A stack file declares functions and resources; keep data in a bucket or a table.",
    )


def test_the_libyaml_parser_reads_the_stack_when_pyyaml_has_it(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from portable import loader

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml here")
    parsed: list[str] = []
    original = yaml.CSafeLoader.get_single_data

    def spy(self: yaml.CSafeLoader) -> object:
        parsed.append(type(self).__name__)
        return original(self)

    monkeypatch.setattr(yaml.CSafeLoader, "get_single_data", spy)
    _write(tmp_path, "stack.yaml", "name: shop\nqueues: [{name: jobs}]\n")
    assert load_target("stack.yaml", cwd=tmp_path).stack.queues[0].name == "jobs"
    assert parsed == [loader._FastStrictLoader.__name__]


def test_an_empty_yaml_file(tmp_path: Path) -> None:
    _write(tmp_path, "stack.yaml", "# nothing yet\n")
    with pytest.raises(PortableError) as caught:
        load_target("stack.yaml", cwd=tmp_path)
    assert (caught.value.message, caught.value.hint) == (
        "'stack.yaml' is empty", "A stack file needs at least: name: my-stack",
    )


def test_a_json_syntax_error_has_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "stack.json", '{\n  "name": "shop",\n}\n')
    with pytest.raises(PortableError) as caught:
        load_target("stack.json", cwd=tmp_path)
    assert caught.value.message == (
        "'stack.json' is not valid JSON at line 3, column 1: Expecting property name enclosed in double quotes"
    )


def test_yaml_validation_errors_name_their_lines(tmp_path: Path) -> None:
    _write(tmp_path, "stack.yaml", (
        "name: shop\n"
        "queues:\n"
        "  - name: jobs\n"
        "functions:\n"
        "  - name: worker\n"
        "    handler: app:run\n"
        "    triggers:\n"
        "      - kind: queue\n"
        "        queue: jobs\n"
        "        batch_size: 0\n"
        "  - name: api\n"
        "    handler: app:run\n"
        "    links: [{kind: table, name: orders, access: read}]\n"
    ))
    with pytest.raises(StackInvalid) as caught:
        load_target("stack.yaml", cwd=tmp_path)
    assert str(caught.value) == (
        "Stack 'shop' in stack.yaml has 1 problem:\n"
        "  - Function 'worker': triggers.0.batch_size must be at least 1; got 0 (stack.yaml line 10)"
    )
    _write(tmp_path, "stack.yaml", (tmp_path / "stack.yaml").read_text().replace("batch_size: 0", "batch_size: 1"))
    with pytest.raises(StackInvalid) as caught:
        load_target("stack.yaml", cwd=tmp_path)
    assert str(caught.value) == (
        "Stack 'shop' in stack.yaml has 1 problem:\n"
        "  - Function 'api' links to table 'orders', but no table named 'orders' is declared. "
        "Declared tables: none. (stack.yaml line 13)"
    )
