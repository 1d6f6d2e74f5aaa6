"""generated/ is exactly what the pinned generator makes from openapi.yaml."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _generate(root: Path, dest: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [str(root / "scripts" / "generate.sh"), str(dest)], check=True, env=env, cwd=root
    )


def _tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_committed_generated_code_matches_a_fresh_generation(tmp_path: Path) -> None:
    _generate(ROOT, tmp_path / "agentplatform_api")
    fresh = _tree(tmp_path / "agentplatform_api")
    committed = _tree(ROOT / "generated" / "agentplatform_api")
    assert fresh.keys() == committed.keys()
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == []


def test_editing_a_schema_changes_only_generated(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for name in ("openapi.yaml", "generator-config.yml", "scripts", "generated"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy2(source, copy / name)
    spec = copy / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    anchor = "        uptime_s:\n          type: number\n"
    assert anchor in text
    spec.write_text(
        text.replace(
            anchor,
            "        region:\n          type: string\n          description: Where.\n" + anchor,
        ),
        encoding="utf-8",
    )
    before = {p: p.stat().st_mtime_ns for p in copy.rglob("*") if "generated" not in p.parts}
    _generate(copy, copy / "generated" / "agentplatform_api")
    after = {p: p.stat().st_mtime_ns for p in copy.rglob("*") if "generated" not in p.parts}
    assert before == after
    comparison = filecmp.dircmp(
        ROOT / "generated" / "agentplatform_api" / "models",
        copy / "generated" / "agentplatform_api" / "models",
    )
    assert comparison.diff_files == ["health.py"]
    assert "region" in (copy / "generated/agentplatform_api/models/health.py").read_text()


def test_generator_warnings_fail_generation(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", copy / "scripts")
    shutil.copy2(ROOT / "generator-config.yml", copy / "generator-config.yml")
    text = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    # A response with a media type the generator cannot handle makes it warn.
    broken = text.replace(
        "            text/event-stream:\n", "            application/x-unknown-format:\n", 1
    )
    (copy / "openapi.yaml").write_text(broken, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [str(copy / "scripts" / "generate.sh"), str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "warnings" in result.stderr
    assert not (tmp_path / "out").exists()
