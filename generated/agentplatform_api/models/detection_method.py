from typing import Literal

DetectionMethod = Literal["iqr", "mad", "threshold", "zscore"]

DETECTION_METHOD_VALUES: set[DetectionMethod] = {
    "iqr",
    "mad",
    "threshold",
    "zscore",
}


def check_detection_method(value: str) -> DetectionMethod:
    if value in DETECTION_METHOD_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {DETECTION_METHOD_VALUES!r}"
    )
