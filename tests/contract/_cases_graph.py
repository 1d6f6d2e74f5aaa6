"""The operations of health and the knowledge graph: ontology, entities, relations,
queries."""

from __future__ import annotations

from typing import Any

from agentplatform import types as t

from ._case import Case, opts, post_opts

_FULL_ENTITY_TYPES: list[Any] = [
    {
        "id": "Person",
        "parent": None,
        "description": "A human.",
        "properties": {
            "name": {"type": "string", "description": "Full name."},
            "age": {"type": "integer"},
            "role": {"type": "string", "enum": ["dev", "ops"]},
        },
        "required": ["name"],
    },
    t.EntityType(id="Engineer", parent="Person", description="Builds things.", required=[]),
]
_FULL_RELATION_TYPES: list[Any] = [
    {
        "id": "WORKS_AT",
        "description": "Employment.",
        "from_types": ["Person"],
        "to_types": ["Company"],
    },
    t.RelationType(id="KNOWS", from_types=["Person"], to_types=["Person"]),
]


def graph_cases() -> list[Case]:
    """The cases of health, the ontology, entities, relations and queries."""
    c = Case
    return [
        # health
        c("getHealth", "minimal", lambda cl: cl.health(), t.Health),
        c("getHealth", "full", lambda cl: cl.health(**opts()), t.Health),
        # ontology
        c(
            "putOntologySchema",
            "minimal",
            lambda cl: cl.ontology.put_schema(entity_types=[]),
            t.OntologySchema,
        ),
        c(
            "putOntologySchema",
            "full",
            lambda cl: cl.ontology.put_schema(
                entity_types=_FULL_ENTITY_TYPES, relation_types=_FULL_RELATION_TYPES, **opts()
            ),
            t.OntologySchema,
        ),
        c("getOntologySchema", "minimal", lambda cl: cl.ontology.get_schema(), t.OntologySchema),
        c(
            "getOntologySchema",
            "full",
            lambda cl: cl.ontology.get_schema(**opts()),
            t.OntologySchema,
        ),
        c(
            "getEntityType",
            "minimal",
            lambda cl: cl.ontology.get_entity_type("Person"),
            t.EntityType,
        ),
        c(
            "getEntityType",
            "full",
            lambda cl: cl.ontology.get_entity_type("Sub:Type.v2~x", **opts()),
            t.EntityType,
        ),
        c("listSubtypes", "minimal", lambda cl: cl.ontology.list_subtypes("Person"), t.SubtypeList),
        c(
            "listSubtypes",
            "full",
            lambda cl: cl.ontology.list_subtypes("Person", **opts()),
            t.SubtypeList,
        ),
        # entities
        c(
            "createEntity",
            "minimal",
            lambda cl: cl.entities.create(type="Person", properties={}),
            t.Entity,
        ),
        c(
            "createEntity",
            "full",
            lambda cl: cl.entities.create(
                type="Person",
                properties={"name": "Ada", "age": 36, "tags": ["a"], "meta": {"x": None}},
                embedding=[0.1, -0.2, 3],
                **post_opts(),
            ),
            t.Entity,
        ),
        c("listEntities", "minimal", lambda cl: cl.entities.list(), t.EntityPage, "list"),
        c(
            "listEntities",
            "full",
            lambda cl: cl.entities.list(type="Person", limit=200, max_items=1000, **opts()),
            t.EntityPage,
            "list",
        ),
        c(
            "validateEntity",
            "minimal",
            lambda cl: cl.entities.validate(type="Person", properties={}),
            t.ValidationResult,
        ),
        c(
            "validateEntity",
            "full",
            lambda cl: cl.entities.validate(
                type="Person", properties={"name": "Ada"}, embedding=[1.0], **post_opts()
            ),
            t.ValidationResult,
        ),
        c("getEntity", "minimal", lambda cl: cl.entities.get("ent_1"), t.Entity),
        c("getEntity", "full", lambda cl: cl.entities.get("ent:1.a~b", **opts()), t.Entity),
        c(
            "updateEntity",
            "minimal",
            lambda cl: cl.entities.update("ent_1", properties={}),
            t.Entity,
        ),
        c(
            "updateEntity",
            "full",
            lambda cl: cl.entities.update(
                "ent_1",
                properties={"age": 37, "nickname": None},
                embedding=[0.5, 0.25],
                if_match='"v1"',
                **opts(),
            ),
            t.Entity,
        ),
        c("deleteEntity", "minimal", lambda cl: cl.entities.delete("ent_1"), None),
        c("deleteEntity", "full", lambda cl: cl.entities.delete("ent_1", **opts()), None),
        # relations
        c(
            "createRelation",
            "minimal",
            lambda cl: cl.relations.create(
                type="WORKS_AT", from_entity_id="ent_1", to_entity_id="ent_2"
            ),
            t.Relation,
        ),
        c(
            "createRelation",
            "full",
            lambda cl: cl.relations.create(
                type="WORKS_AT",
                from_entity_id="ent_1",
                to_entity_id="ent_2",
                properties={"since": 1842, "note": None},
                **post_opts(),
            ),
            t.Relation,
        ),
        c("listRelations", "minimal", lambda cl: cl.relations.list(), t.RelationPage, "list"),
        c(
            "listRelations",
            "full",
            lambda cl: cl.relations.list(
                entity_id="ent_1", type="WORKS_AT", direction="both", limit=1, **opts()
            ),
            t.RelationPage,
            "list",
        ),
        c("getRelation", "minimal", lambda cl: cl.relations.get("rel_1"), t.Relation),
        c("getRelation", "full", lambda cl: cl.relations.get("rel_1", **opts()), t.Relation),
        c("deleteRelation", "minimal", lambda cl: cl.relations.delete("rel_1"), None),
        c("deleteRelation", "full", lambda cl: cl.relations.delete("rel_1", **opts()), None),
        # queries
        c(
            "hybridQuery",
            "minimal",
            lambda cl: cl.queries.hybrid(graph_query={"start_entity_ids": ["ent_1"]}),
            t.HybridQueryResult,
        ),
        c(
            "hybridQuery",
            "full",
            lambda cl: cl.queries.hybrid(
                vector_query={"embedding": [0.1, 0.2], "top_k": 100, "entity_types": ["Person"]},
                graph_query=t.GraphQuery(
                    start_entity_ids=["ent_1", "ent_2"], relation_types=["WORKS_AT"], depth=5
                ),
                merge_strategy="weighted",
                weights={"vector": 0.7, "graph": 0.0},
                limit=100,
                **post_opts(),
            ),
            t.HybridQueryResult,
        ),
        c(
            "expandTypes",
            "minimal",
            lambda cl: cl.queries.expand_types(["Person"]),
            t.ExpandTypesResult,
        ),
        c(
            "expandTypes",
            "full",
            lambda cl: cl.queries.expand_types(("Person", "Company"), **post_opts()),
            t.ExpandTypesResult,
        ),
    ]
