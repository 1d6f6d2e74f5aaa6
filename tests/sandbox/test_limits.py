"""The size pre-check: which limits a schema yields, and what they refuse."""

from __future__ import annotations

from typing import Any

import pytest
from agentplatform_sandbox import limits
from agentplatform_sandbox.limits import Limits, compile_limits, size_errors
from agentplatform_sandbox.problems import FieldError
from agentplatform_sandbox.schemas import component, field_errors
from agentplatform_sandbox.spec import Operation, operations
from agentplatform_sandbox.validation import compiled

from .malformed import example, get, paths_of, replaced

ARRAY_OF_3 = {"type": "array", "maxItems": 3}


def test_sizes_of_properties_items_and_maps() -> None:
    schema = {
        "type": "object",
        "maxProperties": 4,
        "properties": {
            "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 3}},
            "free": {"type": "object"},
        },
        "additionalProperties": ARRAY_OF_3,
    }
    found = compile_limits(schema)
    assert found.max_properties == 4
    assert found.properties["free"].empty()  # declared: `additionalProperties` is not its rule
    assert size_errors(found, {"tags": ["a", "b"], "x": [1, 2, 3], "free": [0] * 99}) == []
    assert size_errors(found, {"tags": ["a", "long"], "x": [1] * 4, "y": []}) == [
        FieldError("tags[1]", "must be at most 3 characters long"),
        FieldError("x", "must have at most 3 items"),
    ]
    assert size_errors(found, dict.fromkeys("abcde", 0), "body") == [
        FieldError("body", "must have at most 4 properties")
    ]


def test_all_of_takes_the_tightest_and_one_of_the_loosest_limit() -> None:
    five, seven = {"type": "array", "maxItems": 5}, {"type": "array", "maxItems": 7}
    assert compile_limits({"allOf": [five, seven, ARRAY_OF_3]}).max_items == 3
    assert compile_limits({"oneOf": [five, seven]}).max_items == 7
    assert compile_limits({"anyOf": [five, {"type": "array"}]}).empty()
    either = compile_limits(
        {
            "oneOf": [
                {"properties": {"a": five, "b": five}},
                {"properties": {"a": seven}},
            ]
        }
    )
    # `b` is unlimited in the second branch, so only `a` keeps a limit (the looser one).
    assert either.properties["a"].max_items == 7
    assert either.properties["b"].empty()
    declared = compile_limits(
        {"allOf": [{"properties": {"a": {}}}, {"additionalProperties": ARRAY_OF_3}]}
    )
    assert declared.properties["a"].max_items == 3  # allOf: the other part's rule for `a`
    items = compile_limits({"oneOf": [{"items": ARRAY_OF_3}, {"items": five}]})
    assert items.items is not None and items.items.max_items == 5
    assert compile_limits({"oneOf": [{"items": ARRAY_OF_3}, {}]}).items is None


def test_refs_are_followed_and_recursion_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    embedding = compile_limits({"$ref": "#/components/schemas/Embedding"})
    assert embedding.max_items == 4096
    document: dict[str, Any] = {
        "components": {
            "schemas": {
                "Tree": {
                    "type": "object",
                    "properties": {
                        "children": {
                            "type": "array",
                            "maxItems": 2,
                            "items": {"$ref": "#/components/schemas/Tree"},
                        }
                    },
                }
            }
        }
    }
    monkeypatch.setattr(limits, "load_spec", lambda: document)
    tree = compile_limits({"$ref": "#/components/schemas/Tree", "maxProperties": 1})
    assert tree.max_properties == 1
    children = tree.properties["children"]
    assert children.max_items == 2
    assert children.items is None  # a recursive reference assumes no limit below it
    assert size_errors(tree, {"children": [{"children": [1, 2, 3]}] * 3}) == [
        FieldError("children", "must have at most 2 items")
    ]


def test_a_value_refused_by_size_is_refused_by_the_schema_too() -> None:
    """The pre-check only answers early; it never refuses what the schema accepts."""
    name = "HybridQueryRequest"
    found = compile_limits({"$ref": "#/components/schemas/" + name})
    bodies: list[Any] = [
        {"vector_query": {"embedding": [0.1] * 4097}},
        {"vector_query": {"embedding": [0.1], "entity_types": ["A"] * 101}},
        {"graph_query": {"start_entity_ids": ["e"] * 101, "relation_types": ["R"] * 101}},
        {"graph_query": {"start_entity_ids": ["e"]}, "vector_query": {"embedding": [0.1]}},
    ]
    for body in bodies:
        early = size_errors(found, body)
        full = field_errors(component(name).iter_errors(body))
        assert set(early) <= set(full), body


def test_empty_limits() -> None:
    assert Limits().empty()
    assert compile_limits(True).empty()
    assert size_errors(Limits(), [1] * 10_000) == []


def _oversized(value: Any) -> Any:
    if isinstance(value, list):
        return value * 5000 if value else [1] * 5000
    if isinstance(value, dict):
        return {**value, **{f"k{i}": i for i in range(2000)}}
    return "x" * 200_000


@pytest.mark.parametrize(
    "operation", [op for op in operations() if op.body_schema is not None], ids=str
)
def test_the_pre_check_of_every_body_is_never_stricter_than_its_schema(
    operation: Operation,
) -> None:
    checker = compiled(operation)
    assert checker.body is not None
    body = example(operation.body_schema)
    for path in paths_of(body):
        changed = replaced(body, path, _oversized(get(body, path)))
        early = size_errors(checker.body_limits, changed)
        assert set(early) <= set(field_errors(checker.body.iter_errors(changed))), path
