"""Copy the console's browser libraries from node_modules/ into the sandbox package.

Run `npm ci` first (the versions are pinned in package.json and package-lock.json),
then `python scripts/vendor_console_assets.py`. tests/console/test_assets.py fails
while the vendored copies differ from node_modules/.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "sandbox" / "agentplatform_sandbox" / "console" / "static" / "vendor"


def _vendored() -> dict[str, str]:
    # Loaded by path: the module needs no installed package (and no sandbox extra).
    spec = importlib.util.spec_from_file_location("assets", VENDOR.parent.parent / "assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found: dict[str, str] = module.VENDORED
    return found


def main() -> int:
    """Copy every vendored file; exit 1 when node_modules/ lacks one."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    for name, source in _vendored().items():
        path = ROOT / "node_modules" / source
        if not path.is_file():
            print(f"missing {path}: run npm ci first", file=sys.stderr)
            return 1
        shutil.copyfile(path, VENDOR / name)
        print(f"{source} -> {(VENDOR / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
