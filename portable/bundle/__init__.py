"""Function code archives, the same for every cloud.

A :class:`BundleSpec` says what goes into a function's zip: its source folder, its requirements
(installed for the target Linux platform), the runtime shim and generated files.
:func:`build_bundle` builds it deterministically (the same inputs give the same sha256) and caches it
by a hash of its inputs, so an unchanged function is not rebuilt::

    from portable.bundle import BundleSpec, build_bundle

    spec = BundleSpec(
        source_dir=root / "src", requirements=("requests==2.32.3",), python_version="3.12",
        architecture="arm64", runtime_files=("portable/__init__.py", "portable/runtime"),
    )
    bundle = build_bundle(spec, root / ".portable" / "cache")
    print(bundle.describe())   # 1c0ffee....zip: 1.1 MB zipped (3.9 MB unpacked), 412 files, sha256 ...

Nothing here knows a cloud: providers say where dependencies go, what to exclude, and check the size.
"""

from portable.bundle.build import build_bundle
from portable.bundle.errors import BundleError
from portable.bundle.result import Bundle
from portable.bundle.spec import BundleSpec

__all__ = ["Bundle", "BundleError", "BundleSpec", "build_bundle"]
