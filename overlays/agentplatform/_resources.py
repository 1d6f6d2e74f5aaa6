"""`Resources`: every resource of the API, each built (and its module imported) on first use.

A program pays the import of only the resources it touches: `client.entities` loads
`resources.entities` and its generated endpoint modules the first time it is read, and
the built resource is kept on the client, so later reads are plain attribute lookups.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Unpack

from agentplatform_api.api.health import get_health

from ._operation import Call, M, RequestOptions, Resource, operation

if TYPE_CHECKING:
    from agentplatform_api.models import Health

    from .resources.anomalies import Anomalies
    from .resources.api_keys import ApiKeys
    from .resources.chat import Chat
    from .resources.entities import Entities
    from .resources.events import Events
    from .resources.knowledge import Knowledge
    from .resources.memory import MemoryResource
    from .resources.ontology import Ontology
    from .resources.queries import Queries
    from .resources.relations import Relations
    from .resources.research import Research
    from .resources.webhook_endpoints import WebhookEndpoints

__all__ = ["Resources"]


class _OnFirstUse:
    """A resource attribute: built on first read, then kept in the instance's `__dict__`."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name
        self._attribute = name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self._attribute = attribute

    def __get__(self, obj: Resources[Any] | None, owner: type) -> Any:
        if obj is None:
            return self
        cls = getattr(import_module(self._module, __package__), self._name)
        resource = cls(obj._runner)
        obj._connect(self._attribute, resource)
        obj.__dict__[self._attribute] = resource  # a non-data descriptor: the dict wins now
        return resource


class Resources(Resource[M]):
    """Every resource of the API, bound to one runner (sync, async, or raw)."""

    if TYPE_CHECKING:
        ontology: Ontology[M]
        entities: Entities[M]
        relations: Relations[M]
        queries: Queries[M]
        events: Events[M]
        anomalies: Anomalies[M]
        chat: Chat[M]
        knowledge: Knowledge[M]
        memory: MemoryResource[M]
        research: Research[M]
        api_keys: ApiKeys[M]
        webhooks: WebhookEndpoints[M]
    else:
        ontology = _OnFirstUse(".resources.ontology", "Ontology")
        entities = _OnFirstUse(".resources.entities", "Entities")
        relations = _OnFirstUse(".resources.relations", "Relations")
        queries = _OnFirstUse(".resources.queries", "Queries")
        events = _OnFirstUse(".resources.events", "Events")
        anomalies = _OnFirstUse(".resources.anomalies", "Anomalies")
        chat = _OnFirstUse(".resources.chat", "Chat")
        knowledge = _OnFirstUse(".resources.knowledge", "Knowledge")
        memory = _OnFirstUse(".resources.memory", "MemoryResource")
        research = _OnFirstUse(".resources.research", "Research")
        api_keys = _OnFirstUse(".resources.api_keys", "ApiKeys")
        webhooks = _OnFirstUse(".resources.webhook_endpoints", "WebhookEndpoints")

    def _connect(self, attribute: str, resource: Resource[M]) -> None:
        """Called with each resource as it is built (the clients connect `events`)."""

    @operation
    def health(self, **options: Unpack[RequestOptions]) -> Call[Health]:
        """The service's status, version and uptime (needs no permissions)."""
        return Call(get_health, {}, options)
