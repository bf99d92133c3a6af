"""Hardening, class 7: the Python API refuses instead of answering wrong. Before, a day
such as "garbage", "2021-13-45", "20210824" or full-width digits returned the value of
some other day, an unknown region the national value, a misspelt parameter, dimension
or value `None` (the same as "nothing in force"), and a `datetime.date` a raw
TypeError. Each case is run on the C lookup and on the Python one, before and after
the table of the valid call was built (the C path answers only from built tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import policykit
from conftest import EXAMPLES
from policykit.errors import EXIT_USAGE, PolicykitError
from policykit.model.arguments import (
    LookupArgumentError,
    UnknownDimensionError,
    UnknownParameterError,
    UnknownRegionError,
)
from policykit.model.days import DayError

ROOT = EXAMPLES / "valid" / "basic" / "policies"
P = "resident.inpatient.ratio"
GOOD = ("441800", P, "2021-08-24")


@pytest.fixture(params=["c", "python"])
def lookup(request: pytest.FixtureRequest) -> Callable[..., Any]:
    ps = policykit.load(ROOT)
    fn = ps.value if request.param == "c" else ps._value
    if request.param == "c":
        assert "C lookup" in repr(fn), "the C extension is built in place by the venv set-up"
    return fn  # type: ignore[no-any-return]


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("day", ["garbage", "2021-13-45", "20210824", "２０２１-０８-２４",
                                 "2021-02-29", "2021-08-24\n", "0000-01-01", "", "2021-8-24"])
def test_bad_day_raises(lookup: Callable[..., Any], warm: bool, day: str) -> None:
    if warm:
        assert lookup(*GOOD, hospital_level="level3") is not None
    with pytest.raises(DayError) as exc:
        lookup("441800", P, day, hospital_level="level3")
    assert exc.value.exit_code == EXIT_USAGE and "YYYY-MM-DD" in exc.value.en


@pytest.mark.parametrize("day", [123, None, ["2021-08-24"], dt.datetime(2021, 8, 24)])
def test_non_string_day_raises_a_policykit_error(lookup: Callable[..., Any], day: object) -> None:
    with pytest.raises(DayError):
        lookup("441800", P, day, hospital_level="level3")


def test_a_date_is_a_day(lookup: Callable[..., Any]) -> None:
    by_date = lookup("441800", P, dt.date(2021, 8, 24), hospital_level="level3")
    assert by_date is lookup(*GOOD, hospital_level="level3") and by_date is not None


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("args, kwargs, error, hint", [
    (("999999", P, "2021-08-24"), {"hospital_level": "level3"}, UnknownRegionError, ""),
    (("441801", P, "2021-08-24"), {"hospital_level": "level3"}, UnknownRegionError,
     "did you mean 441800"),
    (("441800", "resident.inpatient.rati", "2021-08-24"), {"hospital_level": "level3"},
     UnknownParameterError, f"did you mean {P}"),
    (("441800", P, "2021-08-24"), {"hospital_levl": "level3"}, UnknownDimensionError,
     "did you mean hospital_level"),
    (("441800", P, "2021-08-24"), {"hospital_level": "levl3"}, UnknownDimensionError,
     "did you mean level3"),
    ((441800, P, "2021-08-24"), {"hospital_level": "level3"}, UnknownRegionError, ""),
])
def test_unknown_names_raise_with_did_you_mean(lookup: Callable[..., Any], warm: bool,
                                               args: tuple[Any, ...], kwargs: dict[str, str],
                                               error: type[Exception], hint: str) -> None:
    if warm:
        assert lookup(*GOOD, hospital_level="level3") is not None
    with pytest.raises(error) as exc:
        lookup(*args, **kwargs)
    assert isinstance(exc.value, LookupArgumentError) and isinstance(exc.value, PolicykitError)
    assert hint in exc.value.en and exc.value.zh


def test_nothing_in_force_is_still_none(lookup: Callable[..., Any]) -> None:
    assert lookup("441800", P, "1990-01-01", hospital_level="level3") is None


def test_region_and_in_force_check_too() -> None:
    ps = policykit.load(ROOT)
    with pytest.raises(UnknownRegionError):
        ps.region("999999")
    with pytest.raises(UnknownRegionError):
        ps.in_force("999999", "2021-08-24")
    with pytest.raises(DayError):
        ps.in_force("441800", "2021-13-01")
    assert ps.in_force("441800", dt.date(2021, 8, 24)) == ps.in_force("441800", "2021-08-24")
