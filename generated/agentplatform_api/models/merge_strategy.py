from typing import Literal

MergeStrategy = Literal["intersection", "union", "weighted"]

MERGE_STRATEGY_VALUES: set[MergeStrategy] = {
    "intersection",
    "union",
    "weighted",
}


def check_merge_strategy(value: str) -> MergeStrategy:
    if value in MERGE_STRATEGY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MERGE_STRATEGY_VALUES!r}"
    )
