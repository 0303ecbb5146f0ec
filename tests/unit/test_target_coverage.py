"""Every target of every seed: share parsed into comparator/value/unit, the rest named.

Run with ``-s`` to see the breakdown; it is also attached to the test report
(``record_property``) so CI logs keep it.
"""

from __future__ import annotations

from collections import Counter

from orchestration.parsing import parse_document
from orchestration.parsing.targets import QUALITATIVE_CLASSES, TargetValue
from tests.conftest import PROJECT_TARGET_SEEDS


def seed_targets() -> list[tuple[str, str | None, TargetValue]]:
    """(period|annual, raw text, parsed) for every indicator of the four project seeds."""
    out = []
    for seed in PROJECT_TARGET_SEEDS:
        for ind in parse_document(seed.read_bytes(), seed.name).indicators:
            out.append(("period", ind.period_target, ind.period))
            out.append(("annual", ind.annual_target, ind.annual))
    return out


def breakdown(targets: list[TargetValue]) -> dict[str, Counter]:
    flags = ("is_vague", "is_control_figure", "is_placeholder", "is_non_answer", "is_relative_change",
             "has_multiple_values", "has_extra_text")
    return {
        "comparator": Counter(t.comparator for t in targets),
        "dimension": Counter(t.dimension for t in targets if t.is_quantitative),
        "flag": Counter(f for t in targets for f in flags if getattr(t, f)),
        "qualitative_class": Counter(t.qualitative_class for t in targets if not t.is_quantitative),
    }


def test_every_seed_target_is_parsed_or_named(record_property):
    rows = seed_targets()
    targets = [t for _, _, t in rows]
    total = len(targets)
    quantitative = [t for t in targets if t.is_quantitative]
    with_value = [t for t in quantitative if t.value is not None or t.deadline is not None]
    with_unit = [t for t in quantitative if t.unit_normalized is not None]
    report = breakdown(targets)
    lines = [
        f"targets: {total} (2 per indicator); quantitative (comparator+value): {len(quantitative)} "
        f"= {len(quantitative) / total:.1%}; of which with a unit: {len(with_unit)} = {len(with_unit) / total:.1%} of all",
        *(f"{name}: {dict(counter.most_common())}" for name, counter in report.items()),
    ]
    print("\n" + "\n".join(lines))
    record_property("target_breakdown", "\n".join(lines))

    assert total == 2 * 826  # every indicator of the four project seeds, both periods
    assert len(with_value) == len(quantitative)
    # nothing dropped, nothing unnamed: the rest is a named qualitative class
    unnamed = [(period, raw) for period, raw, t in rows if not t.is_quantitative and t.qualitative_class == "unclassified"]
    assert unnamed == []
    assert all(t.qualitative_class in QUALITATIVE_CLASSES for t in targets if not t.is_quantitative)
    # guard against silent regressions of the rules (numbers from the seeds as of parser 0.2.0)
    assert len(quantitative) / total > 0.5
    assert report["qualitative_class"]["control_figure"] == 44  # 17 × 控制数, 25 × 标准：控制数, 2 × 年度计划数
    assert report["qualitative_class"]["classified"] == 16  # 保密项目
