"""Running programs under recording mocks: isolation, transforms, outputs, notes, tree order."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any

import pulumi
import pytest

from portable.plan.runner import run_program, stack_config, to_plan


class Cloud:
    """A fake cloud that gives every resource an id and an ``arn``."""

    def outputs(self, type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return f"{name}-id", {"arn": f"arn:test:{name}"}

    def call(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"token": token}

    def summary(self, type_: str, inputs: Mapping[str, Any]) -> str:
        return ",".join(sorted(inputs))


class Thing(pulumi.CustomResource):
    """A resource with an ``arn`` output (the fake cloud sets it)."""

    arn: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Thing", name, {**props, "arn": None}, opts)


class Box(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Box", name, None, opts)
        self.first = Thing(f"{name}-b", {"size": 512, "label": None}, opts=pulumi.ResourceOptions(parent=self))
        self.second = Thing(f"{name}-a", {"after": self.first.arn}, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def box_program(name: str = "box") -> Any:
    def program() -> None:
        box = Box(name)
        pulumi.export("arn", box.second.arn)
        pulumi.export("region", pulumi.Config("cloud").get("region"))

    return program


def test_a_program_is_recorded_in_tree_order_with_plain_inputs_and_outputs() -> None:
    recording = run_program(box_program(), Cloud(), config={"cloud:region": "north"})
    plan = to_plan(recording, provider="test", stack="s", summarize=Cloud().summary)
    assert [(r.type, r.name, r.parent) for r in plan.resources] == [
        ("test:index:Box", "box", None),
        ("test:index:Thing", "box-a", ("test:index:Box", "box")),
        ("test:index:Thing", "box-b", ("test:index:Box", "box")),
    ]
    assert plan.get("test:index:Thing", "box-b").inputs == {"size": 512}
    assert plan.get("test:index:Thing", "box-a").inputs == {"after": "arn:test:box-b"}
    assert plan.get("test:index:Thing", "box-a").depends_on == ("test:index:Thing::box-b",)
    assert plan.get("test:index:Thing", "box-b").summary == "size"
    assert plan.outputs == {"arn": "arn:test:box-a", "region": "north"}
    assert [depth for depth, _ in plan.tree()] == [0, 1, 1]


def test_planning_twice_in_one_process_gives_the_same_plan_and_leaks_no_config() -> None:
    thresholds = gc.get_threshold()
    first = to_plan(run_program(box_program(), Cloud(), config={"cloud:region": "north"}), provider="t", stack="s")
    second = to_plan(run_program(box_program(), Cloud()), provider="t", stack="s")
    assert first.resources == second.resources
    assert (first.outputs["region"], second.outputs["region"]) == ("north", None)
    assert pulumi.runtime.settings.get_root_resource() is None
    assert gc.get_threshold() == thresholds


def test_an_error_in_the_program_propagates_and_the_next_plan_works() -> None:
    def broken() -> None:
        Box("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_program(broken, Cloud())
    plan = to_plan(run_program(box_program("again"), Cloud()), provider="t", stack="s")
    assert [r.name for r in plan.resources] == ["again", "again-a", "again-b"]


def _label(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult:
    return pulumi.ResourceTransformResult({**args.props, "labels": [args.name]}, args.opts)


def _size(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    if "size" not in args.props:
        return None
    return pulumi.ResourceTransformResult({**args.props, "size": args.props["size"] * 2}, args.opts)


def test_transforms_run_own_then_ancestors_then_stack_wide() -> None:
    def program() -> None:
        pulumi.runtime.register_resource_transform(_size)
        Box("box", opts=pulumi.ResourceOptions(transforms=[_label]))

    plan = to_plan(run_program(program, Cloud()), provider="t", stack="s")
    assert plan.get("test:index:Box", "box").inputs == {"labels": ["box"]}
    assert plan.get("test:index:Thing", "box-b").inputs == {"size": 1024, "labels": ["box-b"]}


def test_secrets_and_notes_are_recorded_without_values() -> None:
    def program() -> None:
        token = pulumi.Config("app").require_secret("token")
        Thing("t", {"token": token, "nested": {"items": [token]}})
        pulumi.log.warn("heads up")
        pulumi.export("token", token)

    recording = run_program(program, Cloud(), config={"app:token": "hunter2"}, secret_keys=["app:token"])
    plan = to_plan(recording, provider="t", stack="s")
    assert plan.get("test:index:Thing", "t").inputs == {"token": "[secret]", "nested": "[secret]"}
    assert plan.outputs == {"token": "[secret]"}
    assert plan.notes == ("heads up",)
    assert "hunter2" not in str(plan.to_dict())


def test_invokes_are_answered_by_the_fake_cloud() -> None:
    seen: dict[str, Any] = {}

    async def read() -> None:
        seen.update(await pulumi.runtime.invoke_async("test:index:lookup", {}))

    tasks: list[Any] = []

    def program() -> None:
        import asyncio

        tasks.append(asyncio.ensure_future(read()))

    recording = run_program(program, Cloud())
    assert recording.calls == [("test:index:lookup", {})]
    assert seen == {"token": "test:index:lookup"}


def test_stack_config_reads_the_pulumi_stack_file(tmp_path: Any) -> None:
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  portable:secret:key:\n    secure: AAEAAQ==\n  app:limits:\n    max: 3\n"
    )
    assert stack_config(tmp_path, "dev") == (
        {"aws:region": "eu-west-1", "portable:secret:key": "[secret]", "app:limits": '{"max": 3}'},
        ["portable:secret:key"],
    )
    assert stack_config(tmp_path, "prod") == ({}, [])
