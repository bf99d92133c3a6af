"""Timeline rules 5 and 6 (docs/format.md §3.3): planned entries with a date take effect;
every value in force says whether a source states it for the day or it is carried
forward past its last confirmation."""

from __future__ import annotations

from typing import Any

from policykit.model.entities import (
    Catalogue,
    Label,
    Parameter,
    Region,
    Source,
    entry_from_plain,
)
from policykit.model.policyset import PolicySet
from policykit.model.timeline import CARRIED_FORWARD, STATED

P = "resident.inpatient.ratio"


def _set(history: list[dict[str, Any]], checked_on: str | None = None,
         source_date: str | None = None) -> PolicySet:
    region = Region("441800", Label("清远市"), "prefecture", None, None, checked_on=checked_on)
    entries = tuple(entry_from_plain("441800", P, (), {"source": "s", "quote": "q", **h})
                    for h in history)
    catalogue = Catalogue((), (), {}, {P: Parameter(P, Label("住院报销比例"), "reimbursement",
                                                    "resident", "ratio")})
    return PolicySet(catalogue, {"441800": region},
                     {"s": Source("s", "t", "i", "news", date=source_date)},
                     {("441800", P, ()): entries})


def _known(ps: PolicySet, day: str) -> tuple[str, str, Any]:
    r = ps.value("441800", P, day)
    assert r is not None, day
    c = ps.confirmation(r, day)
    return c.state, c.confirmed_on, r.value.number


OBSERVED = {"status": "in_force", "observed": "2021-08-24", "ratio": 0.6}


def test_observed_value_is_stated_on_its_day_then_carried_forward() -> None:
    ps = _set([OBSERVED])
    assert _known(ps, "2021-08-24")[:2] == (STATED, "2021-08-24")
    state, on, _ = _known(ps, "2026-12-04")
    assert (state, on) == (CARRIED_FORWARD, "2021-08-24")
    c = ps.confirmation(ps.value("441800", P, "2026-12-04"), "2026-12-04")  # type: ignore[arg-type]
    assert c.age_months() == 63 and c.stale(3) and not c.stale(6)
    assert ps.value("441800", P, "2021-08-23") is None


def test_region_checked_on_confirms_and_a_later_entry_ends_the_value() -> None:
    later = {"status": "in_force", "start": "2025-01-01", "ratio": 0.65}
    ps = _set([OBSERVED, later], checked_on="2024-03-01")
    assert _known(ps, "2023-01-01")[:2] == (CARRIED_FORWARD, "2021-08-24")
    assert _known(ps, "2024-03-01")[:2] == (STATED, "2024-03-01")
    state, on, v = _known(ps, "2024-12-31")
    assert (state, on, str(v)) == (CARRIED_FORWARD, "2024-03-01", "0.6")
    state, on, v = _known(ps, "2025-06-01")  # the region's check predates the new entry
    assert (state, on, str(v)) == (CARRIED_FORWARD, "2025-01-01", "0.65")


def test_entry_checked_on_and_source_date_confirm_only_inside_the_interval() -> None:
    e = {**OBSERVED, "checked_on": "2023-05-05"}
    ps = _set([e], source_date="2021-09-30")
    assert _known(ps, "2022-01-01")[:2] == (CARRIED_FORWARD, "2021-09-30")
    assert _known(ps, "2024-01-01")[:2] == (CARRIED_FORWARD, "2023-05-05")
    early = _set([OBSERVED], checked_on="2020-01-01", source_date="2019")
    assert _known(early, "2022-01-01")[:2] == (CARRIED_FORWARD, "2021-08-24")


def test_explicit_period_is_stated_throughout() -> None:
    ps = _set([{"status": "in_force", "start": "2020", "end": "2022-07", "ratio": 0.5}])
    assert _known(ps, "2022-06-30")[:2] == (STATED, "2022-06-30")
    assert ps.value("441800", P, "2022-07-01") is None
    open_ended = _set([{"status": "in_force", "start": "2020-07", "ratio": 0.5}])
    assert _known(open_ended, "2020-07-01")[:2] == (STATED, "2020-07-01")
    assert _known(open_ended, "2021-01-01")[:2] == (CARRIED_FORWARD, "2020-07-01")


def test_planned_entry_with_a_date_takes_effect_on_it() -> None:
    planned = {"status": "planned", "start": "2027-01-01", "ratio": 0.7}
    ps = _set([OBSERVED, planned])
    assert str(_known(ps, "2026-12-31")[2]) == "0.6"
    r = ps.value("441800", P, "2027-01-01")
    assert r is not None and str(r.value.number) == "0.7" and r.entry.status == "planned"


def test_planned_entry_without_a_date_never_takes_effect() -> None:
    planned = {"status": "planned", "observed": "2026-01-01", "ratio": 0.7}
    ps = _set([OBSERVED, planned])
    assert str(_known(ps, "2030-01-01")[2]) == "0.6"
    alone = _set([{"status": "planned", "ratio": 0.7}])
    assert alone.value("441800", P, "2030-01-01") is None


def test_coverage_year_lookup_inherits_and_never_guesses_a_year() -> None:
    import policykit
    from conftest import POLICIES

    ps = policykit.load(POLICIES)
    assert ps.catalogue.parameters["resident.late_payment.contribution"].by_coverage_year
    r = ps.for_coverage_year("431223", "resident.late_payment.contribution", 2025)
    assert r is not None and str(r.value.number) == "1070" and r.origin == "431223"
    assert ps.for_coverage_year("431223", "resident.late_payment.contribution", 2026) is None
    w24 = ps.for_coverage_year("431223", "resident.collection_window.end", 2024)
    w25 = ps.for_coverage_year("431223", "resident.collection_window.end", 2025)
    assert w24 is not None and w25 is not None and w24.entry is not w25.entry
    assert w24.entry.coverage_year == 2024 and w25.entry.coverage_year == 2025


def test_coverage_year_lookup_takes_inherited_floors() -> None:
    nat = Region("000000", Label("全国"), "national", None, None)
    county = Region("431223", Label("辰溪县"), "county", "000000", None)
    floor = entry_from_plain("000000", "resident.fiscal_subsidy", (), {
        "status": "in_force", "start": "2024", "coverage_year": 2024, "bound": "min",
        "amount": 670, "source": "s", "quote": "q"})
    own = entry_from_plain("431223", "resident.fiscal_subsidy", (), {
        "status": "in_force", "start": "2025", "coverage_year": 2025, "amount": 700,
        "source": "s", "quote": "q"})
    fs = "resident.fiscal_subsidy"
    catalogue = Catalogue((), (), {}, {fs: Parameter(fs, Label("人均财政补助"), "contribution",
                                                     "resident", "amount",
                                                     by_coverage_year=True)})
    ps = PolicySet(catalogue, {"000000": nat, "431223": county}, {},
                   {("000000", "resident.fiscal_subsidy", ()): (floor,),
                    ("431223", "resident.fiscal_subsidy", ()): (own,)})
    r24 = ps.for_coverage_year("431223", "resident.fiscal_subsidy", 2024)
    assert r24 is not None and r24.entry is floor and r24.origin == "000000"
    r25 = ps.for_coverage_year("431223", "resident.fiscal_subsidy", 2025)
    assert r25 is not None and r25.entry is own and r25.floors == ()
