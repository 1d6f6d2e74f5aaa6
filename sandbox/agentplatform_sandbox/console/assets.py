"""The console's static files (its page, styles, scripts and vendored libraries).

`VENDORED` maps each file under `static/vendor/` to where it comes from in
`node_modules/` (versions pinned by package-lock.json); `scripts/vendor_console_assets.py`
copies them and a test checks the copies are identical.
"""

from __future__ import annotations

import functools
from importlib import resources

VENDORED: dict[str, str] = {
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "chart.js.LICENSE.md": "chart.js/LICENSE.md",
    "kurkle-color.LICENSE.md": "@kurkle/color/LICENSE.md",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "cytoscape.LICENSE": "cytoscape/LICENSE",
}
"""vendor file name -> path under node_modules/."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}


@functools.cache
def static_files() -> dict[str, tuple[bytes, str]]:
    """Every static file by its path under `static/`: (content, content type)."""
    found: dict[str, tuple[bytes, str]] = {}
    pending = [(resources.files(__package__) / "static", "")]
    while pending:
        folder, prefix = pending.pop()
        for item in folder.iterdir():
            name = prefix + item.name
            if item.is_dir():
                pending.append((item, name + "/"))
                continue
            suffix = "." + item.name.rsplit(".", 1)[-1] if "." in item.name else ""
            kind = CONTENT_TYPES.get(suffix, "text/plain; charset=utf-8")
            found[name] = (item.read_bytes(), kind)
    return found


def page(name: str) -> str:
    """An HTML page of `static/` as text."""
    return static_files()[name][0].decode()
