from typing import Literal

PropertyType = Literal[
    "array", "boolean", "datetime", "integer", "number", "object", "string"
]

PROPERTY_TYPE_VALUES: set[PropertyType] = {
    "array",
    "boolean",
    "datetime",
    "integer",
    "number",
    "object",
    "string",
}


def check_property_type(value: str) -> PropertyType:
    if value in PROPERTY_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROPERTY_TYPE_VALUES!r}"
    )
