"""Data dirs that cannot be used give a clear error naming the file; without a data dir
nothing is written to disk; secrets of API keys never reach the database."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import httpx
import pytest
from agentplatform_sandbox import DEFAULT_API_KEY, DataDirError, Sandbox, SandboxState
from agentplatform_sandbox.datadir import SCHEMA_VERSION


def test_a_second_state_on_a_dir_in_use_is_refused(tmp_path: Path) -> None:
    first = SandboxState(data_dir=tmp_path)
    with pytest.raises(DataDirError, match=f"^{tmp_path} is in use by another sandbox"):
        SandboxState(data_dir=tmp_path)
    first.close()
    SandboxState(data_dir=tmp_path).close()  # released by close()


def test_a_file_is_not_a_data_dir(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(DataDirError, match="the data dir is a file, not a directory"):
        SandboxState(data_dir=path)


def test_a_corrupt_database_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "sandbox.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(DataDirError) as caught:
        SandboxState(data_dir=tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'sandbox.sqlite3'}: cannot be read")
    SandboxState(data_dir=tmp_path / "other").close()  # the lock of the first was released
    with pytest.raises(DataDirError):
        SandboxState(data_dir=tmp_path)  # still corrupt, still no lock left behind


def test_a_database_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    SandboxState(data_dir=tmp_path).close()
    with sqlite3.connect(tmp_path / "sandbox.sqlite3") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    db.close()
    with pytest.raises(DataDirError, match="written by a newer sandbox") as caught:
        SandboxState(data_dir=tmp_path)
    assert str(tmp_path / "sandbox.sqlite3") in str(caught.value)


def test_another_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "sandbox.sqlite3") as db:
        db.execute("CREATE TABLE mine (x)")
    db.close()
    with pytest.raises(DataDirError, match="is not a sandbox database"):
        SandboxState(data_dir=tmp_path)


def test_unreadable_rows_name_the_file(tmp_path: Path) -> None:
    SandboxState(data_dir=tmp_path).close()
    with sqlite3.connect(tmp_path / "sandbox.sqlite3") as db:
        db.execute("INSERT INTO stored VALUES ('entities', 't', 'e', 1, '{oops', '{}')")
    db.close()
    with pytest.raises(DataDirError, match="cannot be read as a sandbox database"):
        SandboxState(data_dir=tmp_path)


def test_files_are_private_and_hold_no_api_key_secret(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "dir"
    with Sandbox(data_dir=data_dir) as sandbox, sandbox.client() as http:
        secret = http.post("/v1/api-keys", json={"name": "ci"}, headers={"Idempotency-Key": "k1"})
        secret_text = secret.json()["secret"]
        http.post("/v1/entities", json={"type": "Note", "properties": {}})
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for name in ("sandbox.sqlite3", "sandbox.lock"):
        assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600
    stored = b"".join(path.read_bytes() for path in data_dir.iterdir())
    assert b"Note" in stored
    assert secret_text.encode() not in stored
    assert DEFAULT_API_KEY.encode() not in stored


def test_without_a_data_dir_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    opened: list[str] = []
    real_connect = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        opened.append(str(args[0]))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    with Sandbox() as sandbox, sandbox.client() as http:
        http.post("/v1/entities", json={"type": "Note", "properties": {}})
        http.post("/v1/memories", json={"user_id": "u", "key": "k", "value": "v"})
        assert sandbox.state.persistence is None
    assert opened == []
    assert os.listdir(tmp_path) == []


def test_state_and_data_dir_are_not_both_given(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="data_dir"):
        Sandbox(state=SandboxState(), data_dir=tmp_path)


def test_a_closed_sandbox_frees_its_data_dir_for_the_next(tmp_path: Path) -> None:
    sandbox = Sandbox(data_dir=tmp_path).start()
    response = httpx.post(
        sandbox.url + "/v1/entities",
        json={"type": "Note", "properties": {}},
        headers=sandbox.headers,
    )
    sandbox.restart()  # stop and start keep the data dir
    assert httpx.get(sandbox.url + "/v1/entities", headers=sandbox.headers).json()["data"] == [
        response.json()
    ]
    sandbox.close()
    with Sandbox(data_dir=tmp_path) as again:
        assert again.state.entities() == [response.json()]
