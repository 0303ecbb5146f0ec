"""An outcome (实际完成值) normalised like its target, and the one rule that says whether it met the target.

Pure: text in, :class:`.targets.TargetValue` and a status out. The normaliser is the targets' own
(:func:`.targets.parse_target`); this module adds only what an outcome needs:

- :func:`parse_outcome`: a 实际完成值 printed as a bare number (``93.47`` beside the target ``≤100%``,
  ``4262.96`` beside ``≤3843.67万元``) is in its target's unit — the self-evaluation forms print the unit once,
  in the 年度指标值 column — so it takes the target's unit, dimension and scale (and says so);
- :func:`outcome_status`: ``met`` | ``not_met`` | ``not_comparable``. This is the only place the rule is
  written; the marts (``fct_indicator_outcome``) carry the status the reader computed with it.
"""

from __future__ import annotations

import dataclasses

from .targets import TargetValue, parse_target

#: Statuses of :func:`outcome_status`.
OUTCOME_STATUSES = ("met", "not_met", "not_comparable")
#: Relative tolerance of an ``eq`` target (a printed value equal to the target at float precision).
_EPSILON = 1e-9


def parse_outcome(text: str | None, target: TargetValue | None, *,
                  indicator_name: str | None = None) -> tuple[TargetValue, bool]:
    """The outcome ``text`` normalised by :func:`.targets.parse_target`, and whether it took its target's unit.

    A bare number (no unit written: ``unit`` and ``dimension`` ``number``) beside a quantitative target with a
    unit is read in the target's unit (``unit``, ``unit_normalized``, ``dimension``, ``scale_factor`` copied);
    the comparator of an outcome is what the text says (``eq`` for a bare number). Never raises."""
    outcome = parse_target(text, indicator_name=indicator_name)
    if (target is not None and target.is_quantitative and target.unit is not None
            and outcome.is_quantitative and outcome.unit is None and outcome.value is not None):
        return dataclasses.replace(outcome, unit=target.unit, unit_normalized=target.unit_normalized,
                                   dimension=target.dimension, scale_factor=target.scale_factor), True
    return outcome, False


def outcome_status(target: TargetValue | None, outcome: TargetValue | None) -> str:
    """``met`` when the outcome satisfies the target's comparator, ``not_met`` when it does not, else
    ``not_comparable``.

    Comparable means: both quantitative with a value, the outcome stated as a value (``eq``: a level reached,
    not itself a bound), the target neither a relative change (提升5%), a date nor an ``approx``, and the same
    normalised unit (a bare number on both sides counts as the same). Values are compared after their scale
    (``万元`` × 10,000). Comparators: ``ge`` ≥, ``gt`` >, ``le`` ≤, ``lt`` <, ``eq`` = (at float precision),
    ``range`` lower ≤ outcome ≤ upper."""
    if target is None or outcome is None:
        return "not_comparable"
    if not (target.is_quantitative and outcome.is_quantitative) or target.value is None or outcome.value is None:
        return "not_comparable"
    if outcome.comparator != "eq" or target.is_relative_change or target.comparator in ("approx", "none"):
        return "not_comparable"
    if target.dimension == "date" or (target.unit_normalized or None) != (outcome.unit_normalized or None):
        return "not_comparable"
    want = target.value * (target.scale_factor or 1)
    got = outcome.value * (outcome.scale_factor or 1)
    upper = None if target.value_upper is None else target.value_upper * (target.scale_factor or 1)
    held = {
        "ge": got >= want - _EPSILON * abs(want),
        "gt": got > want,
        "le": got <= want + _EPSILON * abs(want),
        "lt": got < want,
        "eq": abs(got - want) <= _EPSILON * max(abs(want), 1.0),
        "range": upper is not None and want <= got <= upper,
    }.get(target.comparator)
    if held is None:
        return "not_comparable"
    return "met" if held else "not_met"
