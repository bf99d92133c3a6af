"""The settlement of one inpatient stay for one exact choice of every rule value.

Exact Decimal arithmetic, no rounding (the result is rounded to the fen only when
shown). An amount parameter of None means "no limit" (a deductible of None takes the
whole in-scope cost; a cap of None never binds).

Order (docs/estimate.md):
1. out-of-scope cost (全自费, 乙类先行自付, 超限价) is the patient's;
2. the deductible (起付线) is taken from the in-scope cost;
3. the fund pays the ratio of the rest, up to what its annual cap leaves this year;
4. critical-illness insurance (大病保险) pays, band by band, on the in-scope cost
   the patient still carries for this stay above its own deductible, up to its cap
   (earlier stays of the year are not added up: a stated limit of the estimate);
5. medical assistance (医疗救助) pays its ratio of the in-scope cost still left above
   its deductible, up to what its cap leaves this year;
6. the patient pays the rest.

Every output is monotone in each parameter separately (every ratio is within
[0, 1]), so over a box of parameter values its extremes lie at the corners: the
estimate evaluates the corners (`costs.estimate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Inputs:
    total: Decimal  # 医疗费用总额
    in_scope: Decimal  # 政策范围内费用
    paid_this_year: Decimal = ZERO  # 统筹基金本年度已支付
    maf_paid_this_year: Decimal = ZERO  # 医疗救助本年度已支付
    critical_illness: bool = True  # whether the critical-illness step applies
    assistance: bool = False  # whether the assistance step applies


@dataclass(frozen=True, slots=True)
class Params:
    deductible: Decimal | None
    ratio: Decimal
    cap: Decimal | None
    ci_deductible: Decimal | None = None
    ci_bands: tuple[tuple[Decimal | None, Decimal], ...] = ()  # (upper end or None, ratio)
    ci_cap: Decimal | None = None
    maf_deductible: Decimal | None = None
    maf_ratio: Decimal = ZERO
    maf_cap: Decimal | None = None


def _min(a: Decimal, b: Decimal | None) -> Decimal:
    return a if b is None or a <= b else b


def _left(cap: Decimal | None, used: Decimal) -> Decimal | None:
    return None if cap is None else max(cap - used, ZERO)


def band_pay(amount: Decimal, bands: tuple[tuple[Decimal | None, Decimal], ...]) -> Decimal:
    """What a segmented schedule pays on `amount` (measured from the schedule's 0):
    each band [previous end, its end) at its ratio; the last band is open."""
    paid, start = ZERO, ZERO
    for end, ratio in bands:
        top = amount if end is None else min(amount, end)
        if top > start:
            paid += (top - start) * ratio
        if end is None or amount <= end:
            break
        start = max(start, end)
    return paid


def _ci_total(carried: Decimal, p: Params) -> Decimal:
    above = carried - p.ci_deductible if p.ci_deductible is not None else ZERO
    if above <= 0:
        return ZERO
    return _min(band_pay(above, p.ci_bands), p.ci_cap)


def settle(i: Inputs, p: Params) -> dict[str, Decimal]:
    """The amounts of one stay, by the national settlement interface's field names."""
    out_of_scope = i.total - i.in_scope
    dedc = _min(i.in_scope, p.deductible)
    fund = _min((i.in_scope - dedc) * p.ratio, _left(p.cap, i.paid_this_year))
    carried = i.in_scope - fund  # in-scope cost the patient still carries
    hifmi = ZERO
    if i.critical_illness:
        hifmi = _ci_total(carried, p)
    maf = ZERO
    if i.assistance:
        rest = carried - hifmi
        base = rest - _min(rest, p.maf_deductible)
        maf = _min(base * p.maf_ratio, _left(p.maf_cap, i.maf_paid_this_year))
    return {
        "out_of_scope_amt": out_of_scope,
        "act_pay_dedc": dedc,
        "hifp_pay": fund,
        "hifmi_pay": hifmi,
        "maf_pay": maf,
        "psn_part_amt": i.total - fund - hifmi - maf,
    }


FIELDS = ("out_of_scope_amt", "act_pay_dedc", "hifp_pay", "hifmi_pay", "maf_pay",
          "psn_part_amt")
