"""The same document in another department's spelling gives the same records (issue 25).

Within one city and one year, departments print ``总计：`` or ``合计:`` for the total row, and
``1.1－产出指标，11－数量指标，…`` (``.`` after the number, full-width dashes, commas) instead of
``1、1-产出指标；11-数量指标；…``. Each seed is re-spelled here and must give the records of the seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.parsing import parse_document

SAMPLES = Path(__file__).resolve().parents[2] / "warehouse" / "samples"
SEEDS = ["000_26deb59209c0fd2c.txt", "001_e8da7b277dfa638a.txt", "003_cd7a85ae5b49b932.txt", "004_1eb0d3f2a58e12d2.txt"]


def _respell(text: str, total: str) -> str:
    """``合计`` → ``total``; ``N、d-X；dd-Y；`` → ``N.d－X，dd－Y，``; ``实施周期指标值:`` → ``实施周期指标值：``."""
    text = re.sub(r"^合计(?=[ \t])", total, text, count=1, flags=re.M)
    text = re.sub(r"(\d)\s*、\s*(\d)-(\S{2,6}?指标)；(\d\d)-([^；]{2,12})；", r"\1.\2－\3，\4－\5，", text)
    return text.replace("实施周期指标值:", "实施周期指标值：").replace("年度指标值:", "年度指标值：")


def _records(doc):
    lines = [(b.line_type, b.spending_unit, b.project_name, b.amount_total, b.amount_fiscal_appropriation,
              b.amount_special_account, b.amount_other) for b in doc.budget_lines]
    indicators = [(i.line_no, i.seq, i.level1_code, i.level1_name, i.level2_code, i.level2_name, i.indicator_name,
                   i.period_target, i.annual_target) for i in doc.indicators]
    return lines, indicators


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("total", ["总计：", "合计:", "总计"])
def test_respelled_seed_gives_the_same_records(seed, total):
    text = (SAMPLES / seed).read_text("utf-8")
    respelled = _respell(text, total)
    assert respelled.count("－") >= 10 and total in respelled  # the variant really is in the file
    original = parse_document(text.encode("utf-8"), seed)
    variant = parse_document(respelled.encode("utf-8"), seed)
    assert variant.total_amount == original.total_amount
    assert _records(variant) == _records(original)
