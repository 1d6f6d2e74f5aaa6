"""The assistant: knowledge search, per-user memory, and chat that uses it."""

from __future__ import annotations

import agentplatform as ap


def main() -> None:
    with ap.Client() as client:
        found = client.knowledge.search("how do retries work?", limit=3)
        for item in found.results:
            print(f"knowledge: {item.title} ({item.kind})")

        client.memory.store(user_id="u42", key="language", value="Python", tags=["prefs"])
        client.memory.store(user_id="u42", key="editor", value="vim", ttl_s=3600)
        remembered = {m.key: m.value for m in client.memory.list(user_id="u42")}
        print(f"memories of u42: {remembered}")

        reply = client.chat.create("Which language should I use?", user_id="u42", use_memory=True)
        print(f"assistant: {reply.response}")
        follow_up = client.chat.create("Thanks!", conversation_id=reply.conversation_id)
        print(f"same conversation: {follow_up.conversation_id == reply.conversation_id}")

        for memory in client.memory.list(user_id="u42", tag="prefs"):
            client.memory.delete(memory.id)
        print(f"left after deleting prefs: {[m.key for m in client.memory.list(user_id='u42')]}")


if __name__ == "__main__":
    main()
