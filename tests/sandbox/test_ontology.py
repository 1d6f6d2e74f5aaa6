"""Ontology enforcement: property types, required, enums, inheritance, relation types."""

from __future__ import annotations

import httpx

from .helpers import ONTOLOGY, assert_problem, create, fields, relate


def upload(client: httpx.Client) -> None:
    response = client.put("/v1/ontology/schema", json=ONTOLOGY)
    assert response.status_code == 200, response.text


def test_schema_round_trip_and_version(client: httpx.Client) -> None:
    empty = client.get("/v1/ontology/schema").json()
    assert empty == {"entity_types": [], "relation_types": [], "version": 0, "updated_at": None}
    upload(client)
    upload(client)
    stored = client.get("/v1/ontology/schema").json()
    assert stored["version"] == 2
    assert [t["id"] for t in stored["entity_types"]] == ["Person", "Engineer", "Backend", "Company"]
    assert stored["updated_at"].endswith("Z")


def test_inconsistent_schema_is_422(client: httpx.Client) -> None:
    response = client.put(
        "/v1/ontology/schema",
        json={
            "entity_types": [
                {"id": "A", "parent": "B"},
                {"id": "B", "parent": "A"},
                {"id": "C", "parent": "Nope"},
                {"id": "C"},
            ],
            "relation_types": [
                {"id": "R", "from_types": ["A"], "to_types": ["Ghost"]},
                {"id": "R", "from_types": [], "to_types": []},
            ],
        },
    )
    errors = fields(assert_problem(response, 422, "validation_failed"))
    assert errors == {
        "entity_types[0].parent": "forms a cycle",
        "entity_types[1].parent": "forms a cycle",
        "entity_types[2].parent": "unknown type 'Nope'",
        "entity_types[3].id": "duplicates another type",
        "relation_types[0].to_types[0]": "unknown entity type 'Ghost'",
        "relation_types[1].id": "duplicates another type",
    }


def test_entity_type_and_transitive_subtypes(client: httpx.Client) -> None:
    upload(client)
    assert client.get("/v1/ontology/entity-types/Engineer").json()["parent"] == "Person"
    subtypes = client.get("/v1/ontology/entity-types/Person/subtypes").json()
    assert subtypes["type_id"] == "Person"
    assert [t["id"] for t in subtypes["subtypes"]] == ["Engineer", "Backend"]
    assert client.get("/v1/ontology/entity-types/Backend/subtypes").json()["subtypes"] == []
    assert_problem(client.get("/v1/ontology/entity-types/Nope"), 404, "not_found")
    assert_problem(client.get("/v1/ontology/entity-types/Nope/subtypes"), 404)


def test_property_rules_give_422_with_field_errors(client: httpx.Client) -> None:
    upload(client)
    response = client.post(
        "/v1/entities",
        json={
            "type": "Backend",
            "properties": {"age": "old", "born": "yesterday", "role": "boss", "extra": 1},
        },
    )
    problem = assert_problem(response, 422, "validation_failed")
    assert problem["instance"] == "/v1/entities"
    assert fields(problem) == {
        "properties.name": "is required",
        "properties.language": "is required",
        "properties.age": "must be an integer",
        "properties.born": "must be an RFC 3339 date-time string",
        "properties.role": "must be one of: staff, contractor",
    }


def test_inherited_rules_accept_valid_subtype_entity(client: httpx.Client) -> None:
    upload(client)
    entity = create(
        client,
        "Backend",
        name="Grace",
        language="COBOL",
        age=85.0,
        born="1906-12-09T00:00:00Z",
        role="staff",
    )
    assert entity["type"] == "Backend"
    assert entity["version"] == 1
    assert entity["embedding"] is None


def test_unknown_type_is_422_once_an_ontology_exists(client: httpx.Client) -> None:
    create(client, "Anything")
    upload(client)
    response = client.post("/v1/entities", json={"type": "Anything", "properties": {}})
    assert fields(assert_problem(response, 422)) == {"type": "unknown entity type 'Anything'"}


def test_validate_does_not_store(client: httpx.Client) -> None:
    upload(client)
    bad = client.post("/v1/entities/validate", json={"type": "Person", "properties": {"age": 1}})
    assert bad.status_code == 200
    assert bad.json() == {
        "valid": False,
        "errors": [{"field": "properties.name", "message": "is required"}],
    }
    good = client.post(
        "/v1/entities/validate", json={"type": "Person", "properties": {"name": "A"}}
    )
    assert good.json() == {"valid": True, "errors": []}
    assert client.get("/v1/entities").json()["data"] == []


def test_subtype_aware_type_filter(client: httpx.Client) -> None:
    upload(client)
    person = create(client, "Person", name="P")
    engineer = create(client, "Engineer", name="E", language="Go")
    backend = create(client, "Backend", name="B", language="Rust")
    create(client, "Company", name="C")

    def ids(type_: str) -> list[str]:
        return [e["id"] for e in client.get("/v1/entities", params={"type": type_}).json()["data"]]

    assert ids("Person") == [person["id"], engineer["id"], backend["id"]]
    assert ids("Engineer") == [engineer["id"], backend["id"]]
    assert ids("Backend") == [backend["id"]]
    assert ids("Unknown") == []


def test_relation_types_allow_subtypes_and_reject_others(client: httpx.Client) -> None:
    upload(client)
    backend = create(client, "Backend", name="B", language="Rust")
    company = create(client, "Company", name="C")
    works = relate(client, "WORKS_AT", backend["id"], company["id"])
    assert works["properties"] == {}

    wrong = client.post(
        "/v1/relations",
        json={"type": "WORKS_AT", "from_entity_id": company["id"], "to_entity_id": backend["id"]},
    )
    assert set(fields(assert_problem(wrong, 422))) == {"from_entity_id", "to_entity_id"}
    unknown = client.post(
        "/v1/relations",
        json={"type": "OWNS", "from_entity_id": backend["id"], "to_entity_id": company["id"]},
    )
    assert fields(assert_problem(unknown, 422)) == {"type": "unknown relation type 'OWNS'"}
    missing = client.post(
        "/v1/relations",
        json={"type": "KNOWS", "from_entity_id": backend["id"], "to_entity_id": "ent_missing"},
    )
    assert_problem(missing, 404, "not_found")


def test_expand_types(client: httpx.Client) -> None:
    assert client.post("/v1/queries/expand-types", json={"types": ["X"]}).json() == {"types": ["X"]}
    upload(client)
    expanded = client.post("/v1/queries/expand-types", json={"types": ["Engineer", "Person"]})
    assert expanded.json() == {"types": ["Engineer", "Backend", "Person"]}
    unknown = client.post("/v1/queries/expand-types", json={"types": ["Person", "Ghost"]})
    assert fields(assert_problem(unknown, 422)) == {"types[1]": "unknown entity type 'Ghost'"}
