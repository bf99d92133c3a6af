"""Build-time SVG step charts of values over time (no JavaScript, no external files).

Why SVG at build time: the chart is a picture of data the generator already has, so it
needs no script, no CDN and no client-side copy of the value-in-force rule; it works
offline, prints, and is accessible (`role="img"`, a title, a text description, and a
tooltip per segment). The caller gives segments already resolved by `policykit.model.timeline`;
this module only draws them.

Conventions: a solid line is a value; a shaded band is a range (87%–95%); a dashed line is
a floor or ceiling (不低于/不高于); a dot marks the day a value begins; gaps mean no
known value. All text is escaped here.

The axis labels are HTML beside the SVG, not SVG text: an SVG scales with its box, text
included, so labels drawn inside it shrank to 9 px when a phone drew the chart 300 px
wide. The SVG holds only the plot and fills the width; the labels sit around it at the
page's own text size (the site's CSS, `.pk-plot`), placed by percentages of the plot, and
are hidden from screen readers, which read the title and the description instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

# Okabe–Ito colours (distinguishable with colour-vision deficiency), yellow left out.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MAX_SERIES = len(COLOURS)
# The plot's viewBox (user units) and its margins, which leave room for a dot or a thick
# line at the edge. The plot stretches to the box the site's CSS gives it (as wide as
# the text, a fixed height): strokes and dots keep their size in pixels.
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 6, 6, 8, 8


@dataclass(frozen=True, slots=True)
class Segment:
    """One value over [start, end) (days as YYYY-MM-DD)."""

    start: str
    end: str
    low: Decimal
    high: Decimal
    bound: str = "exact"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    segments: tuple[Segment, ...]


def _day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def _nice_step(span: float) -> Decimal:
    raw = span / 4 if span > 0 else 1.0
    power = Decimal(10) ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        step = power * m
        if float(step) >= raw:
            return step
    return power * 10


def _ticks(lo: Decimal, hi: Decimal) -> list[Decimal]:
    if lo == hi:
        pad = abs(lo) / 10 if lo != 0 else Decimal(1)
        lo, hi = lo - pad, hi + pad
    step = _nice_step(float(hi - lo))
    first = (lo / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (hi / step).to_integral_value(rounding="ROUND_CEILING") * step
    out = []
    t = first
    while t <= last:
        out.append(t)
        t += step
    return out


def _year_ticks(x0: int, x1: int) -> list[tuple[int, str]]:
    """Year lines, and at most four or five labels, which fit a phone's width."""
    y0 = dt.date.fromordinal(x0).year
    y1 = dt.date.fromordinal(x1).year
    years = [y for y in range(y0 + 1, y1 + 1)]
    if not years:
        return [(x0, dt.date.fromordinal(x0).isoformat()), (x1, dt.date.fromordinal(x1).isoformat())]
    every = next(n for n in (1, 2, 5, 10, 20, 50, 100, 10**6) if len(years) <= 4 * n)
    return [(dt.date(y, 1, 1).toordinal(), str(y)) for y in years if y % every == 0 or every == 1]


def step_chart(series: Sequence[Series], *, start: str, end: str,
               fmt: Callable[[Decimal], str], title: str, ident: str) -> str:
    """An accessible SVG figure (as HTML) with an HTML legend; empty string if nothing to draw."""
    drawn = [s for s in series[:MAX_SERIES] if s.segments]
    if not drawn:
        return ""
    lows = [seg.low for s in drawn for seg in s.segments]
    highs = [seg.high for s in drawn for seg in s.segments]
    ticks = _ticks(min(lows), max(highs))
    y_lo, y_hi = float(ticks[0]), float(ticks[-1])
    x0, x1 = _day(start), _day(end)
    if x1 <= x0:
        x1 = x0 + 1
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def X(day: int) -> float:
        return round(LEFT + (day - x0) / (x1 - x0) * pw, 1)

    def Y(v: Decimal) -> float:
        span = (y_hi - y_lo) or 1.0
        return round(TOP + (1 - (float(v) - y_lo) / span) * ph, 1)

    parts = [
        f'<svg class="pk-chart" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(_describe(drawn, fmt))}</desc>',
    ]

    def pct(v: float, whole: int) -> str:
        return f"{round(v / whole * 100, 2):g}%"

    y_labels = []
    for t in ticks:
        y = Y(t)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" '
                     f'class="pk-grid"/>')
        y_labels.append(f'<span style="top:{pct(y, HEIGHT)}">{escape(fmt(t))}</span>')
    x_labels = []
    for day, label in _year_ticks(x0, x1):
        x = X(day)
        parts.append(f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{TOP + ph}" class="pk-grid"/>')
        # Near an edge a label is anchored at its start or end, not centred, so it does
        # not reach past the figure (sideways scrolling on a phone).
        edge = ' class="pk-start"' if x < WIDTH * .1 else ' class="pk-end"' if x > WIDTH * .9 else ""
        x_labels.append(f'<span{edge} style="left:{pct(x, WIDTH)}">{escape(label)}</span>')
    for i, s in enumerate(drawn):
        colour = COLOURS[i]
        parts.append(f'<g stroke="{colour}" fill="{colour}">')
        previous: Segment | None = None
        for seg in s.segments:
            a, b = X(max(_day(seg.start), x0)), X(min(_day(seg.end), x1))
            if b < a:
                continue
            tip = f"{s.label}：{fmt(seg.low) if seg.low == seg.high else fmt(seg.low) + '–' + fmt(seg.high)}"
            tip += f"（{seg.start} 起）" + (f"，{seg.note}" if seg.note else "")
            dash = ' stroke-dasharray="6 4"' if seg.bound != "exact" else ""
            if previous is not None and previous.end == seg.start:
                parts.append(f'<line x1="{a}" x2="{a}" y1="{Y(previous.high)}" '
                             f'y2="{Y(seg.high)}" stroke-width="1.5" stroke-opacity="0.6"/>')
            if seg.low == seg.high:
                parts.append(f'<line x1="{a}" x2="{b}" y1="{Y(seg.low)}" y2="{Y(seg.low)}" '
                             f'stroke-width="3"{dash}><title>{escape(tip)}</title></line>')
            else:
                top, bottom = Y(seg.high), Y(seg.low)
                parts.append(f'<rect x="{a}" y="{top}" width="{round(b - a, 1)}" '
                             f'height="{round(bottom - top, 1)}" fill-opacity="0.25" '
                             f'stroke-width="2"{dash}><title>{escape(tip)}</title></rect>')
            # The dot: a path of no length with a round cap (site CSS), as round and as
            # large whatever the plot's width and height (a circle would stretch).
            parts.append(f'<path class="pk-dot" d="M{a} {Y(seg.high)}h0"/>')
            previous = seg
        parts.append("</g>")
    parts.append("</svg>")
    # The widest y label, invisible, gives the label column its width.
    widest = max((fmt(t) for t in ticks), key=len)
    plot = (f'<div class="pk-plot"><div class="pk-yaxis" aria-hidden="true">'
            f'<span class="pk-ysize">{escape(widest)}</span>{"".join(y_labels)}</div>'
            f'{"".join(parts)}<div class="pk-xaxis" aria-hidden="true">{"".join(x_labels)}</div></div>')
    legend = "".join(
        f'<li><span class="pk-swatch" style="background:{COLOURS[i]}"></span>'
        f"{escape(s.label)}</li>" for i, s in enumerate(drawn))
    more = len([s for s in series if s.segments]) - len(drawn)
    note = f'<p class="pk-chart-note">图中只画出前 {len(drawn)} 个地区，其余 {more} 个见表格。</p>' \
        if more > 0 else ""
    return (f'<figure class="pk-figure">{plot}'
            f'<figcaption><ul class="pk-legend">{legend}</ul>{note}</figcaption></figure>')


def _describe(series: Sequence[Series], fmt: Callable[[Decimal], str]) -> str:
    out = []
    for s in series:
        steps = []
        for seg in s.segments:
            v = fmt(seg.low) if seg.low == seg.high else f"{fmt(seg.low)}–{fmt(seg.high)}"
            steps.append(f"{seg.start} 起 {v}")
        out.append(f"{s.label}：" + "；".join(steps))
    return "。".join(out)
