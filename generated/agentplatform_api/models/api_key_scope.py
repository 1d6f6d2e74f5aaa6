from typing import Literal

ApiKeyScope = Literal["admin", "read", "write"]

API_KEY_SCOPE_VALUES: set[ApiKeyScope] = {
    "admin",
    "read",
    "write",
}


def check_api_key_scope(value: str) -> ApiKeyScope:
    if value in API_KEY_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {API_KEY_SCOPE_VALUES!r}"
    )
