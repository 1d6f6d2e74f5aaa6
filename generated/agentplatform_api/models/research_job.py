from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.research_status import ResearchStatus, check_research_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem import Problem
    from ..models.research_result import ResearchResult


T = TypeVar("T", bound="ResearchJob")


@_attrs_define
class ResearchJob:
    """A research job and its progress.

    Attributes:
        id (str):
        query (str):
        status (ResearchStatus | str):
        progress (float):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        result (None | ResearchResult | Unset):
        error (None | Problem | Unset):
    """

    id: str
    query: str
    status: ResearchStatus | str
    progress: float
    created_at: datetime.datetime
    updated_at: datetime.datetime
    result: None | ResearchResult | Unset = UNSET
    error: None | Problem | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.problem import Problem
        from ..models.research_result import ResearchResult

        id = self.id

        query = self.query

        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        progress = self.progress

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, ResearchResult):
            result = self.result.to_dict()
        else:
            result = self.result

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, Problem):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "query": query,
                "status": status,
                "progress": progress,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.problem import Problem
        from ..models.research_result import ResearchResult

        d = dict(src_dict)
        id = d.pop("id")

        query = d.pop("query")

        def _parse_status(data: object) -> ResearchStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_research_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ResearchStatus | str, data)

        status = _parse_status(d.pop("status"))

        progress = d.pop("progress")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_result(data: object) -> None | ResearchResult | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = ResearchResult.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ResearchResult | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        def _parse_error(data: object) -> None | Problem | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = Problem.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Problem | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        research_job = cls(
            id=id,
            query=query,
            status=status,
            progress=progress,
            created_at=created_at,
            updated_at=updated_at,
            result=result,
            error=error,
        )

        research_job.additional_properties = d
        return research_job

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
