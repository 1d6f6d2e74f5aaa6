from typing import Literal

ResearchStatus = Literal["failed", "queued", "running", "succeeded"]

RESEARCH_STATUS_VALUES: set[ResearchStatus] = {
    "failed",
    "queued",
    "running",
    "succeeded",
}


def check_research_status(value: str) -> ResearchStatus:
    if value in RESEARCH_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RESEARCH_STATUS_VALUES!r}"
    )
