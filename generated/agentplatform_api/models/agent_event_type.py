from typing import Literal

AgentEventType = Literal[
    "custom", "error", "llm_call", "task_completed", "task_started", "tool_call"
]

AGENT_EVENT_TYPE_VALUES: set[AgentEventType] = {
    "custom",
    "error",
    "llm_call",
    "task_completed",
    "task_started",
    "tool_call",
}


def check_agent_event_type(value: str) -> AgentEventType:
    if value in AGENT_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {AGENT_EVENT_TYPE_VALUES!r}"
    )
