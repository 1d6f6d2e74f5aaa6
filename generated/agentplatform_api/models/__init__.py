"""Contains all the data models used in inputs/outputs.

Each model is imported on first use (a module `__getattr__`, PEP 562), so importing this
package costs only the models a program touches; type checkers see every name.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_MODULES: dict[str, str] = {
    "AgentEvent": ".agent_event",
    "AgentEventBatch": ".agent_event_batch",
    "AgentEventInput": ".agent_event_input",
    "AgentEventPage": ".agent_event_page",
    "AgentEventType": ".agent_event_type",
    "Anomaly": ".anomaly",
    "AnomalyDetectedEvent": ".anomaly_detected_event",
    "AnomalyPage": ".anomaly_page",
    "AnomalyType": ".anomaly_type",
    "ApiKey": ".api_key",
    "ApiKeyCreate": ".api_key_create",
    "ApiKeyPage": ".api_key_page",
    "ApiKeyScope": ".api_key_scope",
    "ApiKeyWithSecret": ".api_key_with_secret",
    "Attributes": ".attributes",
    "BatchResult": ".batch_result",
    "ChatDelta": ".chat_delta",
    "ChatRequest": ".chat_request",
    "ChatResponse": ".chat_response",
    "DataQualityRecord": ".data_quality_record",
    "DetectionMethod": ".detection_method",
    "Entity": ".entity",
    "EntityCreate": ".entity_create",
    "EntityDeletedData": ".entity_deleted_data",
    "EntityDeletedEvent": ".entity_deleted_event",
    "EntityPage": ".entity_page",
    "EntityType": ".entity_type",
    "EntityUpdate": ".entity_update",
    "ExpandTypesRequest": ".expand_types_request",
    "ExpandTypesResult": ".expand_types_result",
    "FieldError": ".field_error",
    "FinishReason": ".finish_reason",
    "GraphQuery": ".graph_query",
    "Health": ".health",
    "HealthStatus": ".health_status",
    "HybridQueryRequest": ".hybrid_query_request",
    "HybridQueryResult": ".hybrid_query_result",
    "KnowledgeItem": ".knowledge_item",
    "KnowledgeKind": ".knowledge_kind",
    "KnowledgeSearchRequest": ".knowledge_search_request",
    "KnowledgeSearchResult": ".knowledge_search_result",
    "LlmEventRecord": ".llm_event_record",
    "Memory": ".memory",
    "MemoryCreate": ".memory_create",
    "MemoryPage": ".memory_page",
    "MergeStrategy": ".merge_strategy",
    "MergeWeights": ".merge_weights",
    "ModelCallRecord": ".model_call_record",
    "OntologySchema": ".ontology_schema",
    "OntologySchemaInput": ".ontology_schema_input",
    "Problem": ".problem",
    "PromptPart": ".prompt_part",
    "Properties": ".properties",
    "PropertySpec": ".property_spec",
    "PropertySpecs": ".property_specs",
    "PropertyType": ".property_type",
    "RejectedRecord": ".rejected_record",
    "Relation": ".relation",
    "RelationCreate": ".relation_create",
    "RelationDirection": ".relation_direction",
    "RelationPage": ".relation_page",
    "RelationType": ".relation_type",
    "ResearchCompletedEvent": ".research_completed_event",
    "ResearchJob": ".research_job",
    "ResearchRequest": ".research_request",
    "ResearchResult": ".research_result",
    "ResearchSource": ".research_source",
    "ResearchStatus": ".research_status",
    "ResponsePart": ".response_part",
    "ResultSource": ".result_source",
    "ScoredEntity": ".scored_entity",
    "Severity": ".severity",
    "SubtypeList": ".subtype_list",
    "TelemetryBatch": ".telemetry_batch",
    "Usage": ".usage",
    "ValidationResult": ".validation_result",
    "VectorQuery": ".vector_query",
    "Webhook": ".webhook",
    "WebhookCreate": ".webhook_create",
    "WebhookEventType": ".webhook_event_type",
    "WebhookPage": ".webhook_page",
    "WebhookWithSecret": ".webhook_with_secret",
}

if TYPE_CHECKING:  # every name, for type checkers and IDEs
    from .agent_event import AgentEvent
    from .agent_event_batch import AgentEventBatch
    from .agent_event_input import AgentEventInput
    from .agent_event_page import AgentEventPage
    from .agent_event_type import AgentEventType
    from .anomaly import Anomaly
    from .anomaly_detected_event import AnomalyDetectedEvent
    from .anomaly_page import AnomalyPage
    from .anomaly_type import AnomalyType
    from .api_key import ApiKey
    from .api_key_create import ApiKeyCreate
    from .api_key_page import ApiKeyPage
    from .api_key_scope import ApiKeyScope
    from .api_key_with_secret import ApiKeyWithSecret
    from .attributes import Attributes
    from .batch_result import BatchResult
    from .chat_delta import ChatDelta
    from .chat_request import ChatRequest
    from .chat_response import ChatResponse
    from .data_quality_record import DataQualityRecord
    from .detection_method import DetectionMethod
    from .entity import Entity
    from .entity_create import EntityCreate
    from .entity_deleted_data import EntityDeletedData
    from .entity_deleted_event import EntityDeletedEvent
    from .entity_page import EntityPage
    from .entity_type import EntityType
    from .entity_update import EntityUpdate
    from .expand_types_request import ExpandTypesRequest
    from .expand_types_result import ExpandTypesResult
    from .field_error import FieldError
    from .finish_reason import FinishReason
    from .graph_query import GraphQuery
    from .health import Health
    from .health_status import HealthStatus
    from .hybrid_query_request import HybridQueryRequest
    from .hybrid_query_result import HybridQueryResult
    from .knowledge_item import KnowledgeItem
    from .knowledge_kind import KnowledgeKind
    from .knowledge_search_request import KnowledgeSearchRequest
    from .knowledge_search_result import KnowledgeSearchResult
    from .llm_event_record import LlmEventRecord
    from .memory import Memory
    from .memory_create import MemoryCreate
    from .memory_page import MemoryPage
    from .merge_strategy import MergeStrategy
    from .merge_weights import MergeWeights
    from .model_call_record import ModelCallRecord
    from .ontology_schema import OntologySchema
    from .ontology_schema_input import OntologySchemaInput
    from .problem import Problem
    from .prompt_part import PromptPart
    from .properties import Properties
    from .property_spec import PropertySpec
    from .property_specs import PropertySpecs
    from .property_type import PropertyType
    from .rejected_record import RejectedRecord
    from .relation import Relation
    from .relation_create import RelationCreate
    from .relation_direction import RelationDirection
    from .relation_page import RelationPage
    from .relation_type import RelationType
    from .research_completed_event import ResearchCompletedEvent
    from .research_job import ResearchJob
    from .research_request import ResearchRequest
    from .research_result import ResearchResult
    from .research_source import ResearchSource
    from .research_status import ResearchStatus
    from .response_part import ResponsePart
    from .result_source import ResultSource
    from .scored_entity import ScoredEntity
    from .severity import Severity
    from .subtype_list import SubtypeList
    from .telemetry_batch import TelemetryBatch
    from .usage import Usage
    from .validation_result import ValidationResult
    from .vector_query import VectorQuery
    from .webhook import Webhook
    from .webhook_create import WebhookCreate
    from .webhook_event_type import WebhookEventType
    from .webhook_page import WebhookPage
    from .webhook_with_secret import WebhookWithSecret
else:

    def __getattr__(name: str) -> Any:
        module = _MODULES.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


__all__ = (
    "AgentEvent",
    "AgentEventBatch",
    "AgentEventInput",
    "AgentEventPage",
    "AgentEventType",
    "Anomaly",
    "AnomalyDetectedEvent",
    "AnomalyPage",
    "AnomalyType",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyPage",
    "ApiKeyScope",
    "ApiKeyWithSecret",
    "Attributes",
    "BatchResult",
    "ChatDelta",
    "ChatRequest",
    "ChatResponse",
    "DataQualityRecord",
    "DetectionMethod",
    "Entity",
    "EntityCreate",
    "EntityDeletedData",
    "EntityDeletedEvent",
    "EntityPage",
    "EntityType",
    "EntityUpdate",
    "ExpandTypesRequest",
    "ExpandTypesResult",
    "FieldError",
    "FinishReason",
    "GraphQuery",
    "Health",
    "HealthStatus",
    "HybridQueryRequest",
    "HybridQueryResult",
    "KnowledgeItem",
    "KnowledgeKind",
    "KnowledgeSearchRequest",
    "KnowledgeSearchResult",
    "LlmEventRecord",
    "Memory",
    "MemoryCreate",
    "MemoryPage",
    "MergeStrategy",
    "MergeWeights",
    "ModelCallRecord",
    "OntologySchema",
    "OntologySchemaInput",
    "Problem",
    "PromptPart",
    "Properties",
    "PropertySpec",
    "PropertySpecs",
    "PropertyType",
    "RejectedRecord",
    "Relation",
    "RelationCreate",
    "RelationDirection",
    "RelationPage",
    "RelationType",
    "ResearchCompletedEvent",
    "ResearchJob",
    "ResearchRequest",
    "ResearchResult",
    "ResearchSource",
    "ResearchStatus",
    "ResponsePart",
    "ResultSource",
    "ScoredEntity",
    "Severity",
    "SubtypeList",
    "TelemetryBatch",
    "Usage",
    "ValidationResult",
    "VectorQuery",
    "Webhook",
    "WebhookCreate",
    "WebhookEventType",
    "WebhookPage",
    "WebhookWithSecret",
)
