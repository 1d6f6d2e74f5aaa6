"""The request cases of the knowledge-graph resources: health, ontology, entities,
relations and queries."""

from __future__ import annotations

from agentplatform import types

from ._case import Case, limit
from ._support import (
    ENTITY,
    ENTITY_TYPE,
    HEALTH,
    ONTOLOGY,
    RELATION,
    RELATION_TYPE,
    page,
)

HYBRID = {
    "results": [{"entity": ENTITY, "score": 0.9, "sources": ["vector", "graph"]}],
    "took_ms": 2,
}

GRAPH_CASES = [
    Case("health", lambda c: c.health(), "GET", "/v1/health", HEALTH, types.Health),
    Case(
        "ontology.put_schema",
        lambda c: c.ontology.put_schema(
            entity_types=[ENTITY_TYPE, types.EntityType(id="Company")],
            relation_types=[RELATION_TYPE],
        ),
        "PUT",
        "/v1/ontology/schema",
        ONTOLOGY,
        types.OntologySchema,
        json={
            "entity_types": [ENTITY_TYPE, {"id": "Company"}],
            "relation_types": [RELATION_TYPE],
        },
    ),
    Case(
        "ontology.put_schema empty relations",
        lambda c: c.ontology.put_schema(entity_types=[{"id": "Person"}]),
        "PUT",
        "/v1/ontology/schema",
        ONTOLOGY,
        types.OntologySchema,
        json={"entity_types": [{"id": "Person"}], "relation_types": []},
    ),
    Case(
        "ontology.get_schema",
        lambda c: c.ontology.get_schema(),
        "GET",
        "/v1/ontology/schema",
        ONTOLOGY,
        types.OntologySchema,
    ),
    Case(
        "ontology.get_entity_type",
        lambda c: c.ontology.get_entity_type("Person"),
        "GET",
        "/v1/ontology/entity-types/Person",
        ENTITY_TYPE,
        types.EntityType,
    ),
    Case(
        "ontology.list_subtypes",
        lambda c: c.ontology.list_subtypes("Person"),
        "GET",
        "/v1/ontology/entity-types/Person/subtypes",
        {"type_id": "Person", "subtypes": [{"id": "Engineer", "parent": "Person"}]},
        types.SubtypeList,
    ),
    Case(
        "entities.create",
        lambda c: c.entities.create(
            type="Person", properties={"name": "Ada", "age": 36}, embedding=[0.1, 2]
        ),
        "POST",
        "/v1/entities",
        ENTITY,
        types.Entity,
        json={"type": "Person", "properties": {"name": "Ada", "age": 36}, "embedding": [0.1, 2.0]},
        status=201,
    ),
    Case(
        "entities.get",
        lambda c: c.entities.get("ent_1"),
        "GET",
        "/v1/entities/ent_1",
        ENTITY,
        types.Entity,
    ),
    Case(
        "entities.get quoted id",
        lambda c: c.entities.get("ent:1@x?y#z%"),
        "GET",
        "/v1/entities/ent:1@x?y#z%",
        ENTITY,
        types.Entity,
    ),
    Case(
        "entities.update",
        lambda c: c.entities.update(
            "ent_1", properties={"age": 37, "nick": None}, embedding=[1], if_match='"v1"'
        ),
        "PATCH",
        "/v1/entities/ent_1",
        ENTITY,
        types.Entity,
        json={"properties": {"age": 37, "nick": None}, "embedding": [1.0]},
        headers={"If-Match": '"v1"'},
    ),
    Case(
        "entities.delete",
        lambda c: c.entities.delete("ent_1"),
        "DELETE",
        "/v1/entities/ent_1",
        "",
        None,
        status=204,
    ),
    Case(
        "entities.validate",
        lambda c: c.entities.validate(type="Person", properties={"name": "Ada"}),
        "POST",
        "/v1/entities/validate",
        {"valid": False, "errors": [{"field": "age", "message": "required"}]},
        types.ValidationResult,
        json={"type": "Person", "properties": {"name": "Ada"}},
    ),
    Case(
        "entities.list",
        lambda c: c.entities.list(type="Person", limit=50),
        "GET",
        "/v1/entities",
        page(ENTITY),
        types.Entity,
        query=limit(50, type="Person"),
    ),
    Case(
        "entities.list defaults",
        lambda c: c.entities.list(),
        "GET",
        "/v1/entities",
        page(ENTITY),
        types.Entity,
        query=limit(),
    ),
    Case(
        "relations.create",
        lambda c: c.relations.create(
            type="WORKS_AT", from_entity_id="ent_1", to_entity_id="ent_2", properties={"since": 1}
        ),
        "POST",
        "/v1/relations",
        RELATION,
        types.Relation,
        json={
            "type": "WORKS_AT",
            "from_entity_id": "ent_1",
            "to_entity_id": "ent_2",
            "properties": {"since": 1},
        },
        status=201,
    ),
    Case(
        "relations.get",
        lambda c: c.relations.get("rel_1"),
        "GET",
        "/v1/relations/rel_1",
        RELATION,
        types.Relation,
    ),
    Case(
        "relations.delete",
        lambda c: c.relations.delete("rel_1"),
        "DELETE",
        "/v1/relations/rel_1",
        "",
        None,
        status=204,
    ),
    Case(
        "relations.list",
        lambda c: c.relations.list(entity_id="ent_1", type="WORKS_AT", direction="both", limit=5),
        "GET",
        "/v1/relations",
        page(RELATION),
        types.Relation,
        query=limit(5, entity_id="ent_1", type="WORKS_AT", direction="both"),
    ),
    Case(
        "queries.hybrid",
        lambda c: c.queries.hybrid(
            vector_query={"embedding": [0.1, 0.2], "top_k": 5, "entity_types": ["Person"]},
            graph_query=types.GraphQuery(start_entity_ids=["ent_1"], depth=2),
            merge_strategy="weighted",
            weights={"vector": 0.7, "graph": 0.3},
            limit=10,
        ),
        "POST",
        "/v1/queries/hybrid",
        HYBRID,
        types.HybridQueryResult,
        json={
            "vector_query": {"embedding": [0.1, 0.2], "top_k": 5, "entity_types": ["Person"]},
            "graph_query": {"start_entity_ids": ["ent_1"], "depth": 2},
            "merge_strategy": "weighted",
            "weights": {"vector": 0.7, "graph": 0.3},
            "limit": 10,
        },
    ),
    Case(
        "queries.expand_types",
        lambda c: c.queries.expand_types(("Person", "Company")),
        "POST",
        "/v1/queries/expand-types",
        {"types": ["Person", "Engineer", "Company"]},
        types.ExpandTypesResult,
        json={"types": ["Person", "Company"]},
    ),
]
