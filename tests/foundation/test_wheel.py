"""The wheel holds both packages, the sandbox's spec and py.typed; core deps are minimal."""

from __future__ import annotations

import email
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("agentplatform-*.whl")
    return built


def test_wheel_contains_overlay_generated_and_sandbox_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "agentplatform/__init__.py",
        "agentplatform/py.typed",
        "agentplatform_api/__init__.py",
        "agentplatform_api/models/entity.py",
        "agentplatform_sandbox/__init__.py",
        "agentplatform_sandbox/openapi.yaml",
        "agentplatform/integrations/prices.json",
    ):
        assert required in names, required
    assert not any(
        name.startswith(("tests/", "bench/", "generated/", "overlays/")) for name in names
    )


def test_wheel_ships_the_console_assets(wheel: Path) -> None:
    static = ROOT / "sandbox" / "agentplatform_sandbox" / "console" / "static"
    with zipfile.ZipFile(wheel) as archive:
        for path in static.rglob("*"):
            if path.is_file():
                name = "agentplatform_sandbox/" + path.relative_to(static.parent.parent).as_posix()
                assert archive.read(name) == path.read_bytes(), name
    assert (static / "vendor" / "chart.umd.min.js").is_file()


def test_wheel_ships_the_real_spec(wheel: Path) -> None:
    shipped = zipfile.ZipFile(wheel).read("agentplatform_sandbox/openapi.yaml")
    assert shipped == (ROOT / "openapi.yaml").read_bytes()


def test_core_dependencies_are_httpx_and_attrs_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (meta_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(meta_name))
    core = sorted(
        req.split(">")[0].split("<")[0].split("=")[0].strip()
        for req in metadata.get_all("Requires-Dist") or []
        if "extra ==" not in req
    )
    assert core == ["attrs", "httpx"]
    extras = set(metadata.get_all("Provides-Extra") or [])
    assert {"cli", "sandbox", "otel", "dev", "bench"} <= extras
    assert {"openai", "anthropic", "langchain", "integrations"} <= extras


def test_clean_venv_install_gives_a_working_import(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [
            str(python),
            "-c",
            "import agentplatform as ap, agentplatform_api; "
            "c = ap.Client(api_key='k', base_url='http://127.0.0.1:9'); "
            "print(ap.__version__, type(c).__name__)",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["1.0.0", "Client"]
