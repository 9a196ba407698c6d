"""A third-party provider, installed as a distribution with an entry point in the group
``portable.providers``, works with ``validate``, ``plan`` and ``invoke`` through the declared hooks only,
and its shim supplies its own runtime clients."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.registry import get_provider, provider_names
from portable.runtime import env

FILES = {
    "tinycloud/__init__.py": '"""Tiny Cloud: a provider that lives outside portable."""\n',
    "tinycloud/limits.py": """
        from portable.limits import Limit, ProviderLimits

        LIMITS = ProviderLimits(name="tiny", title="Tiny Cloud", memory=(256, 512), timeout_max=120,
                                http_timeout=Limit(30, "Tiny Cloud's gateway ends requests after 30 s"))
    """,
    "tinycloud/provider.py": """
        from portable.provider import Provider


        class TinyProvider(Provider):
            name = "tiny"
            title = "Tiny Cloud"

            def limits(self):
                from tinycloud.limits import LIMITS

                return LIMITS

            def deploy(self, stack, root, opts=None):
                from tinycloud.deploy import deploy_stack

                return deploy_stack(stack, opts)

            def plan_mocks(self, config):
                from tinycloud.deploy import TinyCloud

                return TinyCloud(config.get("tiny:region") or "moon-1")

            def recognise(self, payload):
                return isinstance(payload, dict) and "tinyEvent" in payload

            def native_events(self, payload, function):
                from tinycloud.runtime import message_of

                return [message_of(payload["tinyEvent"])]

            def runtime_clients(self):
                from tinycloud.clients import BACKENDS

                return BACKENDS
    """,
    "tinycloud/deploy.py": """
        import json

        import pulumi


        class TinyFunction(pulumi.CustomResource):
            def __init__(self, name, props, opts=None):
                super().__init__("tiny:index:Function", name, props, opts)


        class TinyCloud:
            def __init__(self, region):
                self.region = region

            def outputs(self, type_, name, inputs):
                return f"{name}-id", {"url": f"https://{self.region}.tiny.example/{name}"}

            def call(self, token, args):
                return {}

            def summary(self, type_, inputs):
                return f"handler {inputs.get('handler')}"


        def deploy_stack(stack, opts):
            functions = {}
            for function in stack.functions:
                links = {link.name: {"kind": link.kind, "access": link.access, "id": f"{stack.name}-{link.name}"}
                         for link in function.links}
                environment = {"PORTABLE_PROVIDER": "tiny", "PORTABLE_FUNCTION": function.name,
                               "PORTABLE_HANDLER": function.handler, "PORTABLE_LINKS": json.dumps(links)}
                functions[function.name] = TinyFunction(
                    f"{stack.name}-{function.name}",
                    {"handler": function.handler, "memory": function.memory, "environment": environment}, opts)
            return {"functions": functions}
    """,
    "tinycloud/runtime.py": """
        from portable.runtime.env import register_backends
        from portable.runtime.dispatch import Function
        from portable.runtime.message import Message


        def _backends():
            from tinycloud.clients import BACKENDS

            return BACKENDS


        register_backends("tiny", _backends)


        def message_of(event):
            return Message(event["body"], event.get("id", ""), event.get("attributes") or {}, raw=event)


        def handle(event, environ=None):
            Function.from_env(environ=environ).message(message_of(event["tinyEvent"]))
    """,
    "tinycloud/clients.py": """
        SENT = []


        class TinyQueue:
            def __init__(self, name, link):
                self.id = link["id"]

            def send(self, body, attributes):
                SENT.append((self.id, body, attributes.get("traceparent", "")[:3]))
                return f"tiny-{len(SENT)}"


        BACKENDS = {"queue": TinyQueue}
    """,
    "tinycloud-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinycloud\nVersion: 0.1\n",
    "tinycloud-0.1.dist-info/entry_points.txt": "[portable.providers]\ntiny = tinycloud.provider:TinyProvider\n",
}

STACK = """
    from portable import Stack

    stack = Stack("moon")
    jobs = stack.queue("jobs")
    stack.function("relay", handler="relay:handle", triggers=[jobs.trigger()], links=[jobs.send()])
"""

RELAY = """
    from portable.runtime import queue


    def handle(message):
        print(f"relay got {message.text}")
        queue("jobs").send({"relayed": message.text})
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The tinycloud distribution on sys.path, as pip would install it; a project that uses it."""
    site = tmp_path / "site"
    for name, text in FILES.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(textwrap.dedent(text).lstrip())
    project = tmp_path / "project"
    project.mkdir()
    (project / "stack.py").write_text(textwrap.dedent(STACK))
    (project / "relay.py").write_text(textwrap.dedent(RELAY))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(env, "_loaders", dict(env._loaders))
    yield project
    for module in [m for m in sys.modules if m == "tinycloud" or m.startswith("tinycloud.")]:
        del sys.modules[module]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_entry_point_makes_the_provider_known(installed: Path) -> None:
    assert "tiny" in provider_names()
    provider = get_provider("tiny")
    assert (type(provider).__module__, provider.title) == ("tinycloud.provider", "Tiny Cloud")
    assert provider.limits().timeout_max == 120


def test_validate_checks_the_stack_against_its_limits(installed: Path) -> None:
    code, out, err = _cli("validate", str(installed), "--provider", "tiny")
    assert (code, err) == (0, "")
    assert "Stack 'moon' is valid for Tiny Cloud: 1 function, 1 resource." in out
    (installed / "stack.py").write_text((installed / "stack.py").read_text().replace(
        'handler="relay:handle"', 'handler="relay:handle", memory=1024'))
    code, out, err = _cli("validate", str(installed), "--provider", "tiny")
    assert code == 1
    assert err.splitlines()[:2] == [
        "Error: Stack 'moon' on Tiny Cloud has 1 problem:",
        "  - Function 'relay': Tiny Cloud allows memory 256 or 512 MB; got 1024",
    ]


def test_options_take_the_third_party_name_and_refuse_unknown_ones(installed: Path) -> None:
    text = (installed / "stack.py").read_text()
    (installed / "stack.py").write_text(text.replace('stack.queue("jobs")', 'stack.queue("jobs", options={"tiny": {"fast": True}})'))
    assert _cli("validate", str(installed), "--provider", "tiny")[0] == 0
    (installed / "stack.py").write_text(text.replace('stack.queue("jobs")', 'stack.queue("jobs", options={"tiny": {}, "ibm": {}})'))
    code, _, err = _cli("validate", str(installed))
    assert code == 1
    assert err.splitlines()[:2] == [
        "Error: Stack 'moon' has 1 problem:",
        "  - Queue 'jobs': options has an unknown key 'ibm'; use 'aws', 'azure', 'gcp', 'local' or 'tiny'",
    ]


def test_plan_runs_its_deploy_under_its_own_mocks(installed: Path) -> None:
    code, out, err = _cli("plan", str(installed), "--provider", "tiny", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["provider"] == "tiny"
    (function,) = plan["resources"]
    assert (function["type"], function["name"]) == ("tiny:index:Function", "moon-relay")
    assert function["inputs"]["handler"] == "relay:handle"
    assert function["inputs"]["environment"]["PORTABLE_PROVIDER"] == "tiny"
    assert json.loads(function["inputs"]["environment"]["PORTABLE_LINKS"]) == {
        "jobs": {"kind": "queue", "access": "send", "id": "moon-jobs"}}


def test_invoke_reads_its_native_payload_through_its_hooks(installed: Path, tmp_path: Path) -> None:
    event = tmp_path / "tiny.json"
    event.write_text(json.dumps({"tinyEvent": {"body": "hello", "id": "t-1"}}))
    code, out, err = _cli("invoke", str(installed), "relay", "--event", str(event), "--state", str(tmp_path / "state"))
    assert code == 0, err
    assert out.splitlines() == ["relay got hello", "OK: relay handled Message t-1"]


def test_its_shim_supplies_its_own_runtime_clients(installed: Path) -> None:
    """Deployed, the function runs under the tinycloud shim: ``queue()`` reaches the TinyQueue backend."""
    import importlib

    runtime = importlib.import_module("tinycloud.runtime")
    clients = importlib.import_module("tinycloud.clients")
    from portable.runtime.clients import clear_cache

    sys.path.insert(0, str(installed))
    clear_cache()
    try:
        environ = {"PORTABLE_PROVIDER": "tiny", "PORTABLE_FUNCTION": "relay", "PORTABLE_HANDLER": "relay:handle",
                   "PORTABLE_LOG": "off",
                   "PORTABLE_LINKS": json.dumps({"jobs": {"kind": "queue", "access": "send", "id": "moon-jobs"}})}
        runtime.handle({"tinyEvent": {"body": "hi", "id": "t-2"}}, environ)
    finally:
        sys.path.remove(str(installed))
        sys.modules.pop("relay", None)
        clear_cache()
    assert clients.SENT == [("moon-jobs", '{"relayed":"hi"}', "00-")]
