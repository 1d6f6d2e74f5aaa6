from typing import Literal

Severity = Literal["critical", "high", "low", "medium"]

SEVERITY_VALUES: set[Severity] = {
    "critical",
    "high",
    "low",
    "medium",
}


def check_severity(value: str) -> Severity:
    if value in SEVERITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SEVERITY_VALUES!r}")
