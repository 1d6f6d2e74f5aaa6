from typing import Literal

RelationDirection = Literal["both", "incoming", "outgoing"]

RELATION_DIRECTION_VALUES: set[RelationDirection] = {
    "both",
    "incoming",
    "outgoing",
}


def check_relation_direction(value: str) -> RelationDirection:
    if value in RELATION_DIRECTION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RELATION_DIRECTION_VALUES!r}"
    )
