"""Graph memory: an ontology, typed entities and relations, and hybrid queries."""

from __future__ import annotations

import agentplatform as ap


def main() -> None:
    with ap.Client() as client:
        client.ontology.put_schema(
            entity_types=[
                {"id": "Agent", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                {"id": "Planner", "parent": "Agent"},
                {"id": "Tool", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            ],
            relation_types=[{"id": "USES", "from_types": ["Agent"], "to_types": ["Tool"]}],
        )
        print("Agent expands to:", client.queries.expand_types(["Agent"]).types)

        check = client.entities.validate(type="Tool", properties={})
        print(f"validate without a name: valid={check.valid}, errors={len(check.errors)}")

        planner = client.entities.create(
            type="Planner", properties={"name": "planner"}, embedding=[1.0, 0.0]
        )
        search = client.entities.create(
            type="Tool", properties={"name": "web search"}, embedding=[0.8, 0.2]
        )
        calc = client.entities.create(
            type="Tool", properties={"name": "calculator"}, embedding=[0.0, 1.0]
        )
        client.relations.create(type="USES", from_entity_id=planner.id, to_entity_id=calc.id)

        updated = client.entities.update(search.id, properties={"name": "web search v2"})
        print(f"updated {updated.id} to version {updated.version}")

        outgoing = client.relations.list(entity_id=planner.id, direction="outgoing")
        uses = [relation.to_entity_id for relation in outgoing]
        print(f"planner uses: {uses}")

        for strategy in ("union", "intersection", "weighted"):
            result = client.queries.hybrid(
                vector_query={"embedding": [1.0, 0.1], "top_k": 2},
                graph_query={"start_entity_ids": [planner.id], "depth": 1},
                merge_strategy=strategy,
            )
            names = [hit.entity.properties["name"] for hit in result.results]
            print(f"{strategy:<12} {names}")


if __name__ == "__main__":
    main()
