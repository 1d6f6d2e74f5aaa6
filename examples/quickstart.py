"""Quickstart: one call of every resource, synchronously.

Run against the sandbox:  make demo
Or against any server:    AGENTPLATFORM_BASE_URL=... AGENTPLATFORM_API_KEY=... python quickstart.py
"""

from __future__ import annotations

import agentplatform as ap


def main() -> None:
    with ap.Client() as client:
        health = client.health()
        print(f"health: {health.status} (version {health.version})")

        schema = client.ontology.put_schema(
            entity_types=[
                {"id": "Person", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                {
                    "id": "Engineer",
                    "parent": "Person",
                    "properties": {"language": {"type": "string"}},
                },
                {"id": "Company", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            ],
            relation_types=[{"id": "WORKS_AT", "from_types": ["Person"], "to_types": ["Company"]}],
        )
        print(f"ontology: version {schema.version}, {len(schema.entity_types)} entity types")
        print(
            "subtypes of Person:", [t.id for t in client.ontology.list_subtypes("Person").subtypes]
        )

        ada = client.entities.create(
            type="Engineer",
            properties={"name": "Ada", "language": "Analytical Engine"},
            embedding=[0.9, 0.1, 0.0],
        )
        acme = client.entities.create(
            type="Company", properties={"name": "Acme"}, embedding=[0.1, 0.9, 0.0]
        )
        relation = client.relations.create(
            type="WORKS_AT", from_entity_id=ada.id, to_entity_id=acme.id
        )
        print(f"entities: {ada.id} WORKS_AT {acme.id} ({relation.id})")
        try:
            client.entities.create(type="Person", properties={"age": 36})
        except ap.UnprocessableEntityError as error:
            print("ontology check:", error.field_errors)
        people = [e.properties["name"] for e in client.entities.list(type="Person")]
        print("people (subtypes included):", people)

        result = client.queries.hybrid(
            vector_query={"embedding": [1.0, 0.0, 0.0], "top_k": 5},
            graph_query={"start_entity_ids": [ada.id], "depth": 1},
            merge_strategy="union",
        )
        print("hybrid:", [(r.entity.id, round(r.score, 3)) for r in result.results])

        event = client.events.ingest(agent_id="planner", session_id="s1", type="task_started")
        print(f"event: {event.id} {event.type_}")

        reply = client.chat.create("What is graph memory?", user_id="u1")
        print(f"chat: {reply.response!r}")

        found = client.knowledge.search("retries and idempotency", limit=2)
        print("knowledge:", [item.title for item in found.results])

        memory = client.memory.store(user_id="u1", key="language", value="Python", ttl_s=3600)
        print("memory:", client.memory.retrieve(memory.id).value)

        job = client.research.create("How do agents use graph memory?")
        print(f"research: {job.id} {job.status}")

        key = client.api_keys.create(name="ci", scopes=["read"])
        print(f"api key: {key.prefix}… (the secret is shown once)")
        client.api_keys.delete(key.id)

        print("anomalies so far:", len(client.anomalies.list().to_list()))


if __name__ == "__main__":
    main()
