"""The write-through collections report every change, whichever method makes it."""

from __future__ import annotations

from agentplatform_sandbox.durable import Conversations, WriteThroughDict, WriteThroughList


def recording() -> tuple[WriteThroughDict[int], list[tuple[str, ...]]]:
    seen: list[tuple[str, ...]] = []
    items = WriteThroughDict(
        {"old": 0},
        lambda key, value: seen.append(("set", key, str(value))),
        lambda key: seen.append(("delete", key)),
    )
    return items, seen


def test_every_dict_change_is_reported() -> None:
    items, seen = recording()
    items["a"] = 1
    assert items.setdefault("a", 9) == 1
    assert items.setdefault("b", 2) == 2
    items.update({"c": 3}, d=4)
    items |= {"e": 5}
    assert items.pop("a") == 1
    assert items.pop("missing", None) is None
    assert items.popitem() == ("e", 5)
    del items["b"]
    items.clear()
    assert items == {}
    assert seen == [
        ("set", "a", "1"),
        ("set", "b", "2"),
        ("set", "c", "3"),
        ("set", "d", "4"),
        ("set", "e", "5"),
        ("delete", "a"),
        ("delete", "e"),
        ("delete", "b"),
        ("delete", "old"),
        ("delete", "c"),
        ("delete", "d"),
    ]


def test_loaded_items_are_not_reported_again() -> None:
    items, seen = recording()
    assert items == {"old": 0}
    assert seen == []


def test_list_appends_and_conversation_messages_are_reported() -> None:
    appended: list[str] = []
    log = WriteThroughList(["x"], appended.append)
    log.append("y")
    log.extend(["z"])
    log += ["w"]
    assert (log, appended) == (["x", "y", "z", "w"], ["y", "z", "w"])
    messages: list[tuple[str, str]] = []
    conversations = Conversations({"c0": ["m0"]}, lambda c, m: messages.append((c, m)))
    conversations.setdefault("c1", []).append("m1")
    conversations["c0"].append("m2")
    conversations["c2"] = ["m3"]
    assert conversations == {"c0": ["m0", "m2"], "c1": ["m1"], "c2": ["m3"]}
    assert messages == [("c1", "m1"), ("c0", "m2"), ("c2", "m3")]
