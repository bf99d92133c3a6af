"""The arguments of the lookups (`PolicySet.value`, `in_force`, `region`), checked at
the boundary: a day is a `datetime.date` or a real calendar day written YYYY-MM-DD; a
region code, parameter, dimension and dimension value must exist, else a
`LookupArgumentError` (a `PolicykitError`, usage exit code) names it with a
did-you-mean. Nothing in force is `None`; a misspelling is never `None`.

Checked where it costs nothing on the fast path: the value tables are built only for
arguments that passed `check_rule` (an unknown one never gets a table, so the C
lookup never answers it), and the C lookup answers only days it has checked itself
(any other goes to the Python fallback, which checks it here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import policykit.codes as codes
from policykit.errors import EXIT_USAGE, PolicykitError
from policykit.model.days import DayError, is_day
from policykit.model.entities import Catalogue


class LookupArgumentError(PolicykitError):
    """An argument of a lookup that names nothing in the policy set."""

    code = "E_LOOKUP"
    exit_code = EXIT_USAGE


class UnknownRegionError(LookupArgumentError):
    code = "E_LOOKUP_REGION"


class UnknownParameterError(LookupArgumentError):
    code = "E_LOOKUP_PARAMETER"


class UnknownDimensionError(LookupArgumentError):
    code = "E_LOOKUP_DIMENSION"


def day_of(day: object) -> str:
    """The day as YYYY-MM-DD: a `date` (not a `datetime`: its time would be dropped
    unsaid) or a string that is a real calendar day; DayError otherwise."""
    if type(day) is dt.date:
        return day.isoformat()
    if isinstance(day, str) and is_day(day):
        return day
    shown = repr(day) if not isinstance(day, str) else day
    raise DayError(f"日期 {shown} 无效：应为 datetime.date 或 YYYY-MM-DD 格式的真实日期"
                   "（如 2021-08-24）",
                   f"invalid day {shown}: expected a datetime.date or a real calendar day "
                   "written YYYY-MM-DD (e.g. 2021-08-24)")


def check_region(regions: Mapping[str, Any], code: object) -> str:
    if isinstance(code, str) and code in regions:
        return code
    hz, he = codes.did_you_mean(str(code), sorted(regions))
    raise UnknownRegionError(f"没有地区代码 {code!r}{hz}",
                             f"no region with code {code!r}{he}")


def check_rule(catalogue: Catalogue, parameter: object,
               breakdown: tuple[tuple[str, str], ...]) -> str:
    """The parameter's id (aliases followed); UnknownParameterError or
    UnknownDimensionError when it or a breakdown name or value does not exist."""
    pid = catalogue.resolve_id(parameter) if isinstance(parameter, str) else None
    if pid is None:
        hz, he = codes.did_you_mean(str(parameter), sorted(catalogue.parameters))
        raise UnknownParameterError(f"参数目录中没有参数 {parameter!r}{hz}",
                                    f"no parameter {parameter!r} in the catalogue{he}")
    dims = catalogue.parameters[pid].dimensions
    for name, value in breakdown:
        if name not in dims:
            hz, he = codes.did_you_mean(name, list(dims))
            allowed = ", ".join(dims) or "（无 none）"
            raise UnknownDimensionError(
                f"参数 {pid} 没有维度 {name!r}；可用：{allowed}{hz}",
                f"parameter {pid} has no dimension {name!r}; available: {allowed}{he}")
        allowed_values = catalogue.dimensions[name].value_ids()
        if not isinstance(value, str) or value not in allowed_values:
            hz, he = codes.did_you_mean(str(value), allowed_values)
            raise UnknownDimensionError(
                f"维度 {name} 没有取值 {value!r}；可选：{', '.join(allowed_values)}{hz}",
                f"dimension {name} has no value {value!r}; choose one of: "
                f"{', '.join(allowed_values)}{he}")
    return pid
