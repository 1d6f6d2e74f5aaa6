from typing import Literal

KnowledgeKind = Literal["gotcha", "pattern", "wisdom"]

KNOWLEDGE_KIND_VALUES: set[KnowledgeKind] = {
    "gotcha",
    "pattern",
    "wisdom",
}


def check_knowledge_kind(value: str) -> KnowledgeKind:
    if value in KNOWLEDGE_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {KNOWLEDGE_KIND_VALUES!r}"
    )
