"""Every model of the API: the generated attrs classes, re-exported.

Unknown response fields are kept in each model's `additional_properties`; open enums
are typed `Literal[...] | str`, so a value added to the API later is kept as a string.
A model added to the spec appears here after `make generate`, with no edit. Each model
is imported when first named (`from agentplatform.types import Entity` loads only it).
"""

from typing import TYPE_CHECKING, Any

import agentplatform_api.models as _models
from agentplatform_api.types import UNSET as UNSET
from agentplatform_api.types import Unset as Unset

if TYPE_CHECKING:  # every name, for type checkers and IDEs
    from agentplatform_api.models import *  # noqa: F403
else:

    def __getattr__(name: str) -> Any:
        if name not in _models.__all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_models, name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_models.__all__})


__all__ = [*_models.__all__, "UNSET", "Unset"]  # noqa: PLE0604
