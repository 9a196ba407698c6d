#!/usr/bin/env bash
# Run the shared shim benchmark (../shared/bench/shim) with portable's shims as candidates.
#
#   tests/bench/run_shim_bench.sh [--rounds 5] [--runs 15]      (~10+ min on 2 vCPUs)
#
# 1. copies the read-only harness to a temp dir;
# 2. builds one wheel per cloud: portable/__init__.py + portable/runtime + providers/<cloud>/{__init__,
#    contract,runtime,runtime_<family>}.py, no dependencies (what a function bundle needs for the shim), and prints each
#    wheel's zipped size, plus the size with that cloud's runtime clients (providers/<cloud>/clients.py
#    and the modules it imports from its own folder);
# 3. runs size -> cold-start import -> per-invocation benches for our candidates and the anchors below,
#    then prints the report (results/shim_perf.md in the temp dir).
#
# Environment: PY (the bench venv's python; created from the harness requirements if missing),
# HARNESS (default ../shared/bench/shim next to the repo), KEEP=1 keeps the temp dir.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
HARNESS=${HARNESS:-$REPO/../shared/bench/shim}
PY=${PY:-${TMPDIR:-/tmp}/shim-bench-venv/bin/python}
ANCHORS="floor,floor-min,aws-lambda-typing,powertools data classes,mangum (raw ASGI app),functions-framework,azure-functions"
OURS="portable (aws),portable (aws) log_level=info,portable (gcp),portable (azure)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/portable-shim-bench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
cp -r "$HARNESS" "$WORK/shim"
chmod -R u+w "$WORK/shim"
rm -f "$WORK/shim/results/"*.json  # a fresh report with exactly the candidates run here
if [ ! -f "$WORK/shim/ff_app/main.py" ]; then  # the functions-framework anchor's app (absent from the harness)
  mkdir -p "$WORK/shim/ff_app"
  cat > "$WORK/shim/ff_app/main.py" <<'FFEOF'
import json


def make_result(order_id, limit, item_count):
    return {"orderId": order_id, "status": "accepted", "itemCount": item_count, "limit": limit,
            "total": 223.44, "links": {"self": f"/orders/{order_id}"}}


def http_fn(request):
    data = request.get_json()
    body = make_result(request.path.rsplit("/", 1)[1], request.args.get("limit"), len(data["items"]))
    return json.dumps(body), 201, {"Content-Type": "application/json"}


def ce_fn(cloud_event):
    return None
FFEOF
fi

if [ ! -x "$PY" ]; then
  venv=$(dirname "$(dirname "$PY")")
  echo "creating the bench venv $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$HARNESS/requirements.txt"
fi

mkdir -p "$WORK/wheels" "$WORK/unpacked"
"$PY" - "$REPO" "$WORK/wheels" "$WORK/unpacked" <<'PYEOF'
"""Build portable_shim_<cloud>-<version>-py3-none-any.whl for each cloud (stdlib zipfile, deterministic)."""
import base64
import hashlib
import io
import os
import re
import sys
import zipfile

repo, out, unpacked = sys.argv[1:4]
version = re.search(r'^version = "([^"]+)"', open(os.path.join(repo, "pyproject.toml")).read(), re.M).group(1)


def sources(cloud, with_clients=False):
    files = ["portable/__init__.py", "providers/__init__.py", f"providers/{cloud}/__init__.py",
             f"providers/{cloud}/contract.py"]
    files += sorted(f"providers/{cloud}/{n}" for n in os.listdir(os.path.join(repo, "providers", cloud))
                    if re.fullmatch(r"runtime(_\w+)?\.py", n))  # the entry module and its trigger families
    files += sorted(f"portable/runtime/{n}" for n in os.listdir(os.path.join(repo, "portable/runtime")) if n.endswith(".py"))
    if with_clients:
        todo = [f"providers/{cloud}/clients.py"]
        while todo:  # the clients module and the modules of its own folder it imports
            path = todo.pop()
            if path in files or not os.path.exists(os.path.join(repo, path)):
                continue
            files.append(path)
            for mod in re.findall(rf"^\s*(?:from|import) providers\.{cloud}\.(\w+)", open(os.path.join(repo, path)).read(), re.M):
                todo.append(f"providers/{cloud}/{mod}.py")
    return files


def wheel(cloud, files, name):
    dist = f"{name}-{version}"
    records, buf = [], io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(arcname, data):
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append(f"{arcname},sha256={digest},{len(data)}")
        for path in files:
            add(path, open(os.path.join(repo, path), "rb").read())
        add(f"{dist}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
        add(f"{dist}.dist-info/WHEEL", b"Wheel-Version: 1.0\nGenerator: run_shim_bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        records.append(f"{dist}.dist-info/RECORD,,")
        add(f"{dist}.dist-info/RECORD", ("\n".join(records) + "\n").encode())
    return buf.getvalue()


def zipped_kb(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in files:
            zf.write(os.path.join(repo, path), path)
    return len(buf.getvalue()) / 1024


for cloud in ("aws", "gcp", "azure"):
    files = sources(cloud)
    name = f"portable_shim_{cloud}"
    data = wheel(cloud, files, name)
    with open(os.path.join(out, f"{name}-{version}-py3-none-any.whl"), "wb") as f:
        f.write(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(unpacked)
    full = sources(cloud, with_clients=True)
    print(f"{cloud}: shim {len(files)} files {zipped_kb(files):.1f} KB zipped; "
          f"with runtime clients {len(full)} files {zipped_kb(full):.1f} KB zipped", file=sys.stderr)
PYEOF

export BENCH_EXTRA="$REPO/tests/bench/shim_candidate.py"
export PORTABLE_SHIM_WHEELS="$WORK/wheels"
export PORTABLE_SHIM_PATH="$WORK/unpacked"
export PY
(cd "$WORK/shim" && ./run_all.sh --only "$ANCHORS,$OURS" "$@")
cat "$WORK/shim/results/shim_perf.md"
echo "results: $WORK/shim/results (KEEP=1 keeps them)" >&2
