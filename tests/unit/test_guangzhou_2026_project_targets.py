"""The real 2026 项目支出绩效目标表 of 广州市政务服务和数据管理局 (``../shared/realdocs/guangzhou-2026/``), read as published.

Every expected value below was read off the PDF's pages (pdfplumber's own page text), not taken from the
reader: the 合计, the four spending units with their amounts, projects with their amounts, the indicator
counts per 一级指标, and indicators field by field. Issue 25: the current national framework (成本指标, code 4),
short level-2 names (``22-社会效益``), ``≦``, codes spaced out by justification.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from orchestration.parsing import parse_document
from tests.bundles import REALDOCS

PDF = REALDOCS / "guangzhou-2026" / "广州_市政务服务和数据管理局_2026_项目支出绩效目标表.pdf"


@pytest.fixture(scope="module")
def doc():
    if not PDF.is_file():
        pytest.skip(f"real document {PDF} not found (set REALDOCS_DIR to the realdocs folder)")
    return parse_document(PDF.read_bytes(), PDF.name)


def _by_project(doc) -> dict[str, list]:
    lines = {b.line_no: b for b in doc.budget_lines}
    out: dict[str, list] = {}
    for ind in doc.indicators:
        out.setdefault(lines[ind.line_no].project_name, []).append(ind)
    return out


def test_header_total_and_units_as_printed(doc):
    assert (doc.doc_type, doc.department, doc.fiscal_year, doc.page_count) == (
        "project_targets", "广州市政务服务和数据管理局", 2026, 12)
    assert doc.total_amount == Decimal("86246.64")
    units = [(b.spending_unit, b.amount_total, b.source_page) for b in doc.budget_lines if b.line_type == "spending_unit"]
    assert units == [
        ("广州市政务服务和数据管理局", Decimal("16926.32"), 1),
        ("广州市数字政府运营中心", Decimal("67756.88"), 4),
        ("广州市政务服务中心", Decimal("834.36"), 10),
        ("广州市市长专线电话受理中心", Decimal("729.07"), 11),
    ]
    projects = [b for b in doc.budget_lines if b.line_type == "project"]
    assert len(projects) == doc.project_count == 70
    # only 财政拨款 is filled in this file: 总计 = 财政拨款 on every row, the other sources empty
    assert all(b.amount_total == b.amount_fiscal_appropriation and b.amount_other is None for b in doc.budget_lines)


@pytest.mark.parametrize("project, amount, page", [
    ("广州市政务服务和数据管理局数字政府运营中心穗智管运营服务项目", "1391.47", 1),
    ("广州12345政务服务便民热线平台运营项目", "12000.00", 1),
    ("电子政务工作项目", "30.11", 1),
    ("GZIT2022-SM-W-C-051103", "3457.38", 4),  # printed so (SM: a classified project), its goal 'SM项目'
    ("广州市政务服务和数据管理局2024-2027年广州市数字政府政务云服务运维项目", "20206.21", 5),
    ("广州12345政府服务热线受理中心2025年热线智能平台建设项目", "463.32", 12),
])
def test_projects_with_their_amounts(doc, project, amount, page):
    [line] = [b for b in doc.budget_lines if b.project_name == project]
    assert (line.amount_total, line.source_page) == (Decimal(amount), page)


def test_units_add_up_to_the_total_within_the_published_rounding(doc):
    """Σ units and Σ projects per unit differ from the printed amounts by at most 0.01 万元 (the source
    rounds each row); the reader reports each such difference as a finding with its page."""
    lines = doc.budget_lines
    units = [b for b in lines if b.line_type == "spending_unit"]
    assert abs(sum(u.amount_total for u in units) - doc.total_amount) <= Decimal("0.01")
    for unit in units:
        projects = [b for b in lines if b.line_type == "project" and b.spending_unit == unit.spending_unit]
        assert abs(sum(p.amount_total for p in projects) - unit.amount_total) <= Decimal("0.01"), unit.spending_unit
    differences = [e for e in doc.events if e.kind == "reconciliation_difference"]
    assert len(differences) == 8 and all("0.01" in e.detail for e in differences)


def test_every_printed_indicator_is_read(doc):
    """404 items: the count of ``N、d-`` item starts and of 年度指标值 labels in the 绩效指标 column of the pages."""
    with pdfplumber.open(PDF) as pdf:
        printed = 0
        for page in pdf.pages:
            # the 绩效指标 column: from the vertical rule left of its header word to the page's right edge
            header = next(w for w in page.extract_words() if w["text"].startswith("绩效指标"))
            left = max(e["x0"] for e in page.edges if e["orientation"] == "v" and e["x0"] < header["x0"])
            column = page.crop((left + 1, 0, page.width, page.height)).extract_text().replace("\n", "")
            printed += len(re.findall(r"年度指标值", column))
            page.close()
    assert printed == len(doc.indicators) == 404
    assert Counter(i.level1_code for i in doc.indicators) == {"1": 192, "2": 98, "3": 47, "4": 67}
    assert Counter(i.level2_code for i in doc.indicators) == {
        "11": 106, "12": 67, "13": 19, "21": 6, "22": 92, "31": 47, "41": 62, "42": 4, "43": 1}
    # numbered 1..n in every project, no gap or repeat
    by_line: dict[int, list] = {}
    for ind in doc.indicators:
        by_line.setdefault(ind.line_no, []).append(ind)
    for items in by_line.values():
        assert [i.seq_as_written for i in items] == list(range(1, len(items) + 1))


@pytest.mark.parametrize("project, seq, expected", [
    ("广州市政务服务和数据管理局数字政府运营中心穗智管运营服务项目", 1,
     ("1", "产出指标", "11", "数量指标", "会议活动保障次数", "每年≥20场", "每年≥20场")),
    ("广州市政务服务和数据管理局数字政府运营中心穗智管运营服务项目", 4,
     ("2", "效益指标", "22", "社会效益", "“穗智管”系统数据资源目录更新服务", "≥1套", "≥1套")),
    ("广州市政务服务和数据管理局数字政府运营中心穗智管运营服务项目", 6,
     ("3", "满意度指标", "31", "服务对象满意度", "线下培训效果评价", "≥4.5分", "≥4.5分")),
    ("广州市政务服务和数据管理局数字政府运营中心穗智管运营服务项目", 7,
     ("4", "成本指标", "41", "经济成本指标", "资金使用合规率", "100%", "100%")),
    ("广州12345政务服务便民热线平台运营项目", 5,
     ("1", "产出指标", "13", "时效指标", "工单转派及时率", "100%", "100%")),
    ("广州12345政务服务便民热线平台运营项目", 8,
     ("4", "成本指标", "41", "经济成本指标", "人工成本控制率", "≤1", "≤1")),
    ("广州网上中介服务超市日常运营项目", 5,
     ("4", "成本指标", "41", "经济成本指标", "办件综合成本", "≤29.91元/件", "≤29.91元/件")),
    ("电子政务工作项目", 3,
     ("2", "效益指标", "21", "经济效益", "智能体拓展用户规模(大模型平台运营）", "≥1000名", "≥500名")),
    ("电子政务工作项目", 5,
     ("4", "成本指标", "41", "经济成本指标", "项目资金控制率", "≤100%", "≤30%")),
    # p2: the level-2 code and name come spaced out by justification (``4  1  -  经    济 成本指标``)
    ("其他运行经费", 4,
     ("4", "成本指标", "41", "经济成本指标", "诉讼费用", "≤《广东省律师服务收费标准》建议律师费",
      "≤《广东省律师服务收费标准》建议律师费")),
    # p12: ≦ as printed
    ("广州12345政府服务热线受理中心2025年热线智能平台建设项目", 3,
     ("1", "产出指标", "12", "质量指标", "系统查询响应时间", "≦5秒", "≦5秒")),
    ("广州12345政府服务热线受理中心2025年热线智能平台建设项目", 7,
     ("4", "成本指标", "41", "经济成本指标", "项目采购控制率", "≤100%", "≤100%")),
])
def test_indicators_field_by_field(doc, project, seq, expected):
    ind = _by_project(doc)[project][seq - 1]
    assert (ind.level1_code, ind.level1_name, ind.level2_code, ind.level2_name, ind.indicator_name,
            ind.period_target, ind.annual_target) == expected


def test_le_sign_variant_is_normalized_like_le(doc):
    ind = _by_project(doc)["广州12345政府服务热线受理中心2025年热线智能平台建设项目"][2]
    assert (ind.annual.comparator, ind.annual.value, ind.annual.unit) == ("le", 5, "秒")


def test_nothing_outside_the_cells(doc):
    kinds = Counter(e.kind for e in doc.events)
    assert not {"chars_not_conserved", "chars_outside_columns", "indicator_renumbered"} & set(kinds), kinds
