from typing import Literal

ResultSource = Literal["graph", "vector"]

RESULT_SOURCE_VALUES: set[ResultSource] = {
    "graph",
    "vector",
}


def check_result_source(value: str) -> ResultSource:
    if value in RESULT_SOURCE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RESULT_SOURCE_VALUES!r}"
    )
