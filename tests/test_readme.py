"""The README's code runs: every Python block against a live sandbox, every command exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from agentplatform.cli import run
from agentplatform_sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\S*)\s*$")


def blocks(text: str) -> list[tuple[int, str, str]]:
    """(first line number, language, code) of every fenced block."""
    found: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise AssertionError(f"README.md:{index + 1}: unclosed code block")
        found.append((index + 1, opening.group(1), "\n".join(lines[index + 1 : end]) + "\n"))
        index = end + 1
    return found


BLOCKS = blocks(README.read_text(encoding="utf-8"))
PYTHON = [(line, code) for line, language, code in BLOCKS if language == "python"]
SHELL = [(line, code) for line, language, code in BLOCKS if language == "bash"]


@pytest.fixture(scope="module")
def server() -> Iterator[Sandbox]:
    with Sandbox(research_step_s=0.05, webhook_retry_delays_s=(0.05, 0.1)) as sandbox:
        yield sandbox


def test_the_readme_starts_with_make_demo_and_make_test() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.startswith("# agentplatform\n\n```bash\nmake demo   # ")
    line, language, code = BLOCKS[0]
    assert (line, language) == (3, "bash")
    assert [row.split("#")[0].strip() for row in code.splitlines()] == ["make demo", "make test"]


def test_every_block_names_its_language() -> None:
    assert {language for _, language, _ in BLOCKS} <= {"python", "bash", "toml", "text"}
    assert len(PYTHON) >= 12


@pytest.mark.parametrize(("line", "code"), PYTHON, ids=[f"README.md:{line}" for line, _ in PYTHON])
def test_python_block_runs(line: int, code: str, server: Sandbox, tmp_path: Path) -> None:
    server.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPLATFORM_")}
    env.update(
        AGENTPLATFORM_BASE_URL=server.url,
        AGENTPLATFORM_API_KEY=server.api_key,
        AGENTPLATFORM_CONFIG_FILE=str(tmp_path / "absent.toml"),
    )
    if "\ndef test_" in code:  # a test file: run it with pytest
        (tmp_path / "test_readme_block.py").write_text(code, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    else:
        (tmp_path / "readme_block.py").write_text(code, encoding="utf-8")
        command = [sys.executable, "readme_block.py"]
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"README.md:{line}\n{result.stdout}\n{result.stderr}"
    assert server.api_key not in result.stdout.replace('api_key = "sk_test_sandbox_0000"', "")
    if "def test_" in code:
        tests = code.count("\ndef test_")
        assert f"{tests} passed" in result.stdout


def test_the_make_targets_it_names_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"`make ([a-z-]+)`", README.read_text(encoding="utf-8")))
    named |= {m for _, code in SHELL for m in re.findall(r"^make ([a-z-]+)", code, re.MULTILINE)}
    assert named
    assert named <= targets, named - targets


def test_the_commands_it_shows_exist(capsys: pytest.CaptureFixture[str]) -> None:
    commands = {
        match
        for _, code in SHELL
        for match in re.findall(r"(?:^|\| )agentplatform ([a-z-]+)", code, re.MULTILINE)
    }
    assert commands >= {"configure", "validate-config", "test-connection", "chat", "sandbox"}
    for command in sorted(commands):
        assert run([command, "--help"]) == 0, command
    capsys.readouterr()


def test_the_examples_it_lists_exist() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Examples") :]
    for name in re.findall(r"`([a-z_]+\.py)`", section):
        assert (ROOT / "examples" / name).is_file(), name


def test_the_block_parser() -> None:
    assert blocks("a\n```python\nx = 1\n```\n```\nraw\n```\n") == [
        (2, "python", "x = 1\n"),
        (5, "", "raw\n"),
    ]
    with pytest.raises(AssertionError, match="unclosed"):
        blocks("```bash\nmake\n")
