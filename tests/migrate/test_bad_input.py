"""Each mistake the issue lists gets a clear error naming the resource, the value and the fix (exact
text asserted), and nothing is written to a target without a manifest entry."""

from __future__ import annotations

import json
import socket
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.dataplane import ObjectInfo, Side, read_all
from portable.migrate.copy import CopyOptions, TargetHoldsData, copy_stack
from portable.migrate.manifest import Manifest
from portable.migrate.sides import data_plane
from tests.migrate.conftest import PROJECT, Cloud, outputs_file, seed, shop

STACK_PY = 'from portable import Stack\n\nstack = Stack("shop")\nstack.bucket("files")\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "stack.py").write_text(STACK_PY)
    return root


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["migrate", *args])
    return result.exit_code, " ".join(result.output.split())


def test_unknown_provider(project: Path) -> None:
    assert _run("copy", str(project), "--from", "ibm", "--to", "local") == (
        2, "Error: Unknown provider 'ibm' for --from. Known providers: 'aws', 'azure', 'gcp', 'local'.")


def test_stack_not_deployed_on_the_target(project: Path) -> None:
    code, output = _run("copy", str(project), "--from", "local", "--to", "gcp")
    assert code == 2
    assert output == (
        f"Error: Stack 'shop' is not deployed on gcp: there is no --to-outputs file and no Pulumi.gcp.yaml in "
        f"{project} Hint: Deploy it first (pulumi up -s gcp), then pass --to-outputs <(pulumi stack output -s gcp "
        "--json).")


def test_aws_bucket_needs_the_outputs(project: Path, cloud: Cloud) -> None:
    cloud("aws", shop(secret=False))  # credentials and an endpoint that answer
    (project / "Pulumi.aws.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    code, output = _run("copy", str(project), "--from", "aws", "--to", "local", "--dry-run")
    assert code == 1
    assert output.startswith("Error: Bucket 'files' on aws: its physical name has a suffix AWS chose, and no stack "
                             "outputs were given Hint: Pass the stack's outputs: pulumi stack output --json")


def test_unreachable_endpoint(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    (project / "Pulumi.aws.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    assert _run("verify", str(project), "--from", "aws", "--to", "local") == (
        1, f"Error: AWS: cannot reach http://127.0.0.1:{port} (EndpointConnectionError) Hint: Check the network, "
           "AWS_ENDPOINT_URL and the credentials.")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_missing_credentials(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")  # never the real AWS
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (project / "Pulumi.aws.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    assert _run("verify", str(project), "--from", "local", "--to", "aws") == (
        1, "Error: AWS: no credentials found Hint: Configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID).")


def test_target_holding_different_data_is_refused_before_any_write(cloud: Cloud, tmp_path: Path) -> None:
    stack = shop(secret=False)
    source, target = cloud("local", stack, "src"), cloud("aws", stack, "dst")
    seed(source)
    target.write_object("files", ObjectInfo("plain.txt", 3), [b"old"])
    manifest = Manifest(tmp_path / "m.sqlite3")
    bucket = target.physical("bucket", "files")

    with pytest.raises(TargetHoldsData) as refused:
        copy_stack(source, target, manifest, tmp_path / "bad.jsonl")

    assert str(refused.value) == (
        f"Bucket 'files' on aws ({bucket}) already holds 1 object(s) that differ from the source and that this "
        "migration did not write, e.g. 'plain.txt'; nothing was copied")
    assert refused.value.hint == "Empty the target bucket, or pass --overwrite to replace them."
    assert [o.key for o in target.list_objects("files")] == ["plain.txt"]
    assert list(target.scan_items(target.table("orders"))) == []

    assert copy_stack(source, target, manifest, tmp_path / "bad.jsonl", CopyOptions(overwrite=True)).ok
    assert read_all(target.read_object("files", "plain.txt")) == b"hello"


def test_an_identical_object_already_at_the_target_is_skipped(cloud: Cloud, tmp_path: Path) -> None:
    stack = shop(secret=False)
    source, target = cloud("local", stack, "src"), cloud("aws", stack, "dst")
    seed(source, items=[])
    target.write_object("files", ObjectInfo("plain.txt", 5), [b"hello"])
    report = copy_stack(source, target, Manifest(tmp_path / "m.sqlite3"), tmp_path / "bad.jsonl")
    assert (report.outcomes[0].copied, report.outcomes[0].skipped) == (4, 1)


def test_items_the_target_cannot_store_go_to_the_bad_items_file(cloud: Cloud, tmp_path: Path) -> None:
    stack = shop(secret=False)
    source, target = cloud("aws", stack, "src"), cloud("local", stack, "dst")
    good = {"customer": "ada", "order_id": "1", "d": Decimal("3.14159265358979323846264338327950288")}
    binary = {"customer": "ada", "order_id": "2", "raw": b"\x00\x01\x02"}
    tagged = {"customer": "bob", "order_id": "1", "tags": {"x", "y"}}
    seed(source, objects={}, items=[good, binary, tagged])
    root = tmp_path / "project"
    root.mkdir()
    (root / "stack.py").write_text(STACK_PY.replace('stack.bucket("files")\n', 'stack.bucket("files")\n'
                                   'stack.table("orders", key="customer", sort_key="order_id", ttl_attribute="expires")\n'))

    code, output = _run("copy", str(root), "--from", "aws", "--to", "local",
                        "--from-outputs", str(outputs_file(source, tmp_path / "aws.json")),
                        "--to-outputs", str(outputs_file(target, tmp_path / "local.json")))

    assert code == 1
    assert ("table 'orders': customer='ada', order_id='2': a local table keeps items as JSON, which has no binary "
            "values (a bytes value of 3 bytes)") in output
    assert "table 'orders': customer='bob', order_id='1': a local table keeps items as JSON, which has no sets (a set of 2 members)" in output
    bad_file = root / ".portable/migrate/shop-aws-to-local.bad-items.jsonl"
    lines = [json.loads(line) for line in bad_file.read_text().splitlines()]
    assert [(line["key"], line["item"]["raw"] if "raw" in line["item"] else line["item"]["tags"]) for line in lines] == [
        ('[{"S":"ada"},{"S":"2"}]', {"B": "AAEC"}), ('[{"S":"bob"},{"S":"1"}]', {"SS": ["x", "y"]})]
    assert list(target.scan_items(target.table("orders"))) == [good]


def test_each_target_names_what_it_cannot_store(tmp_path: Path) -> None:
    stack = shop(secret=False)
    item = {"customer": "a", "order_id": "1"}
    planes = {p: data_plane(stack, Side(p, tmp_path, {"state": str(tmp_path / "s")}, {"gcp:project": PROJECT}))
              for p in ("local", "aws", "azure", "gcp")}
    tables = {p: plane.table("orders") for p, plane in planes.items()}

    def why(provider: str, **values: object) -> str | None:
        return planes[provider].unstorable(tables[provider], {**item, **values})

    assert why("aws", n=10**40) is None
    assert why("aws", n=10**40 + 1) == f"DynamoDB keeps numbers to 38 significant digits; {10**40 + 1} has 41"
    assert why("aws", s=set()) == "DynamoDB has no empty sets"
    assert why("aws", n=Decimal("1.5"), b=b"x", s={"a"}, m={"l": [None]}) is None
    assert why("gcp", n=2**63) == f"Firestore keeps integers in 64 bits; {2**63} does not fit"
    assert why("gcp", d=Decimal("0.1000000000000000000001")) == (
        "Firestore keeps non-integral numbers as doubles; 0.1000000000000000000001 is not exactly a double "
        "(it would become 0.1)")
    assert why("gcp", s={"a"}) == "Firestore has no sets (a set of 1 members)"
    assert why("gcp", n=2**63 - 1, d=Decimal("0.1"), b=b"x") is None
    assert why("azure", b=b"xy") == ("Azure Table storage (portable's layout) keeps items as JSON, which has no binary "
                                     "values (a bytes value of 2 bytes)")
    assert why("azure", n=2**80, d=Decimal("0.1000000000000000000001"), m={"deep": {"er": [1]}}) is None
    assert why("local", s={1, 2}) == "a local table keeps items as JSON, which has no sets (a set of 2 members)"
