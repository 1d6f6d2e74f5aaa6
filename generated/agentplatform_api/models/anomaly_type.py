from typing import Literal

AnomalyType = Literal[
    "cost_spike", "data_quality", "drift", "error_rate", "latency_spike", "token_spike"
]

ANOMALY_TYPE_VALUES: set[AnomalyType] = {
    "cost_spike",
    "data_quality",
    "drift",
    "error_rate",
    "latency_spike",
    "token_spike",
}


def check_anomaly_type(value: str) -> AnomalyType:
    if value in ANOMALY_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ANOMALY_TYPE_VALUES!r}"
    )
