"""Every model of the API: the generated attrs classes, re-exported.

Unknown response fields are kept in each model's `additional_properties`; open enums
are typed `Literal[...] | str`, so a value added to the API later is kept as a string.
A model added to the spec appears here after `make generate`, with no edit.
"""

from agentplatform_api.models import *  # noqa: F403
from agentplatform_api.types import UNSET as UNSET
from agentplatform_api.types import Unset as Unset
