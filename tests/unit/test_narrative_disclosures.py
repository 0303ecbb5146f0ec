"""Prose-only 部门预算 disclosures (部门预算公开文件 / 情况说明) are registered as narrative, with the headline
figures they state, and the department comes from the cover or title, never a section heading (issue 26).

Every expected number below was read off the page with pdfplumber (``page.extract_text()``), page numbers
1-based; and each file's own arithmetic is checked on the figures read (基本 + 项目 + 预留机动 = 支出总计,
Σ sources = 收入总计, Σ “三公” items = “三公” total): a misreading would break it.
"""

from __future__ import annotations

from decimal import Decimal as D

import pdfplumber
import pytest

from orchestration.parsing import parse_document
from orchestration.parsing.formats.pdf import HEAD_LINES, _lines_of, read_pdf_layout
from orchestration.parsing.readers.narrative import classify_label, read_narrative
from orchestration.parsing.spine import _department
from tests.bundles import REALDOCS

JIANGSU = REALDOCS / "jiangsu"
BEIJING = REALDOCS / "beijing"
RENDA_2019 = JIANGSU / "江苏省人大办公厅_江苏省人大常委会2019年度部门预算公开.pdf"
WEIBAN_2017 = JIANGSU / "江苏省委办公厅_江苏省委办公厅2017年部门预算.pdf"
ZHENGXIE_2019 = JIANGSU / "江苏省政协办公厅_江苏省政协办公厅2019年度部门预算.pdf"
FUZHONGXIN = BEIJING / "北京_城市副中心工程建设管理办公室_2026_部门预算情况说明.pdf"


def _parsed(path):
    if not path.is_file():
        pytest.skip(f"real document {path} not found (set REALDOCS_DIR)")
    return parse_document(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def documents():
    return {path.name: _parsed(path) for path in (RENDA_2019, WEIBAN_2017, ZHENGXIE_2019, FUZHONGXIN)}


def _first(document, measure, fund_type=None):
    """(amount, unit, page) of the first figure of ``measure`` (and fund) the document states."""
    figure = next(f for f in document.disclosure.figures if f.measure == measure and f.fund_type == fund_type)
    return figure.amount, figure.unit, figure.source_page


def _all(document, measure):
    return {(f.amount, f.source_page) for f in document.disclosure.figures if f.measure == measure}


@pytest.mark.parametrize("path, department, year", [
    (RENDA_2019, "江苏省人大常委会办公厅", 2019),     # cover p1: 江苏省人大常委会办公厅 / 2019年度部门预算公开
    (WEIBAN_2017, "江苏省委办公厅", 2017),           # cover p1: 江苏省委办公厅 2017 年度部门预算
    (ZHENGXIE_2019, "江苏省政协办公厅", 2019),        # no cover text: the subject of 江苏省政协办公厅2019年度收入、支出预算总计
    (FUZHONGXIN, "北京城市副中心工程建设管理办公室", 2026),
])
def test_registered_as_narrative_with_department_year_stage(documents, path, department, year):
    document = documents[path.name]
    assert (document.doc_type, document.layout) == ("budget_narrative", "pdf_narrative")
    assert (document.department, document.fiscal_year, document.disclosure.stage) == (department, year, "budget")
    assert not document.disclosure.amounts and document.disclosure.figures
    assert {e.entry_type for e in document.disclosure.inventory} == {"narrative"}
    assert any(e.kind == "narrative_figures_read" for e in document.events)


def test_renda_2019_headline_figures_and_their_arithmetic(documents):
    """p9 ``…2019年度收入、支出预算总计 18330.37万元``; p10-11 基本 9312.9, 项目 6459.58, 预留机动 2557.89."""
    document = documents[RENDA_2019.name]
    assert _first(document, "total") == (D("18330.37"), "万元", 9)
    total = next(f for f in document.disclosure.figures if f.measure == "total")
    assert "收入、支出预算总计18330.37万元" in total.sentence and total.amount_yuan == D("183303700")
    assert _first(document, "income", "fiscal_appropriation") == (D("18330.37"), "万元", 9)
    assert _first(document, "expenditure_total") == (D("18330.37"), "万元", 10)
    basic, project, reserve = (_first(document, m)[0] for m in ("basic_expenditure", "project_expenditure", "reserve_funds"))
    assert (basic, project, reserve) == (D("9312.9"), D("6459.58"), D("2557.89"))
    assert basic + project + reserve == D("18330.37")
    # p15: 因公出国（境）费支出199.25万元 … 公务用车购置及运行费支出183.6万元 … 公务接待费支出384.75万元
    parts = [_first(document, m) for m in ("outbound_travel", "official_vehicles", "official_reception")]
    assert parts == [(D("199.25"), "万元", 15), (D("183.6"), "万元", 15), (D("384.75"), "万元", 15)]
    # p16: 公务用车购置 0 + 公务用车运行维护费 183.6 = 公务用车购置及运行费 183.6
    assert _first(document, "vehicle_purchase")[0] + _first(document, "vehicle_operation")[0] == D("183.6")
    assert _first(document, "administrative_operating", "general_public") == (D("1642.08"), "万元", 17)
    assert _first(document, "government_procurement") == (D("2416.43"), "万元", 17)
    # changes against the year before are never figures: 与上年相比…增加2432.93万元
    assert not any(f.amount == D("2432.93") for f in document.disclosure.figures)


def test_weiban_2017_income_sources_add_up(documents):
    """p5-7: 收入预算总计 20849.45 = 财政拨款 20702.25 + 财政专户管理资金 147.20; 支出 9964.07 + 10688.66 + 196.72."""
    document = documents[WEIBAN_2017.name]
    assert _first(document, "total") == (D("20849.45"), "万元", 5)
    assert _first(document, "income_total") == (D("20849.45"), "万元", 6)
    fiscal, special = _first(document, "income", "fiscal_appropriation")[0], _first(document, "income", "special_account")[0]
    assert (fiscal, special) == (D("20702.25"), D("147.20")) and fiscal + special == D("20849.45")
    spent = sum(_first(document, m)[0] for m in ("basic_expenditure", "project_expenditure", "reserve_funds"))
    assert spent == D("20849.45")
    assert _all(document, "outbound_travel") == {(D("70"), 11)}
    assert _all(document, "official_vehicles") == {(D("411.20"), 11)}
    assert _all(document, "official_reception") == {(D("28"), 11)}
    assert _first(document, "administrative_operating", "general_public") == (D("10101.76"), "万元", 11)
    assert _first(document, "government_procurement") == (D("1774.70"), "万元", 12)


def test_zhengxie_2019_figures(documents):
    """p9-11: 总计 13377.11 = 财政拨款收入 13297.11 + 其他资金收入 80; 基本 6522.75 + 项目 4968.34 + 预留 1886.02."""
    document = documents[ZHENGXIE_2019.name]
    assert _first(document, "total") == (D("13377.11"), "万元", 9)
    assert _first(document, "income", "fiscal_appropriation")[0] + _first(document, "income", "other")[0] == D("13377.11")
    spent = sum(_first(document, m)[0] for m in ("basic_expenditure", "project_expenditure", "reserve_funds"))
    assert spent == D("13377.11")
    assert [_first(document, m)[0] for m in ("outbound_travel", "official_vehicles", "official_reception")] == [
        D("106"), D("156.6"), D("397.5")]


def test_beijing_situation_note_figures(documents):
    """情况说明 p3-6: 收入预算 30939.12 = 财政拨款 1431.03 + 上年结转结余 29508.09; 支出 921.33 + 30017.79;
    “三公”经费预算 44.80 = 因公出国（境） 43.35 + 公务接待 1.45 + 公务用车 0 (the two items stand under headings:
    ``（一）因公出国（境）费用。2026 年预算数 43.35 万元``)."""
    document = documents[FUZHONGXIN.name]
    assert _first(document, "income_total") == (D("30939.12"), "万元", 3)
    fiscal, carryover = _first(document, "income", "fiscal_appropriation")[0], _first(document, "income", "carryover")[0]
    assert fiscal + carryover == D("30939.12")
    assert _first(document, "expenditure_total") == (D("30939.12"), "万元", 5)
    assert _first(document, "basic_expenditure")[0] + _first(document, "project_expenditure")[0] == D("30939.12")
    assert _first(document, "three_public_total", "fiscal_appropriation") == (D("44.80"), "万元", 6)
    items = [_first(document, m)[0] for m in ("outbound_travel", "official_reception", "official_vehicles")]
    assert items == [D("43.35"), D("1.45"), D("0")] and sum(items) == D("44.80")
    assert _first(document, "administrative_operating", "fiscal_appropriation") == (D("186.51"), "万元", 6)
    assert _first(document, "government_procurement") == (D("123.81"), "万元", 6)
    # 年终结转结余资金 0 万元 after a chart caption (图 2：基本支出和项目支出情况) is no 基本支出 figure
    assert _all(document, "basic_expenditure") == {(D("921.33"), 5)}


@pytest.mark.parametrize("label, expected", [
    ("江苏省人大常委会办公厅2019年度收入、支出预算总计", ("total", None)),
    ("本年财政拨款收入", ("income", "fiscal_appropriation")),
    ("2026年财政拨款三公经费预算", ("three_public_total", "fiscal_appropriation")),
    ("公务用车购置和运行维护费", ("official_vehicles", None)),
    ("与上年相比增加", None),                     # a change, not a level
    ("一般公共服务(类)支出", None),               # a function class line: detail of the tables
    ("单价20", None),                             # unknown phrasing gives no figure
    ("社会保障和就业支出", None),                 # a class without (类): not the 支出 total
    ("拟采购货物支出", None),                     # a part of 政府采购, not its total
    ("货物类政府采购支出预算", None),
    ("2026年副中心工程办政府采购预算总额", ("government_procurement", None)),  # 工程办 is the subject, no part
    ("2026年本部门收入预算", ("income_total", None)),
    ("大厅保安和安检服务项目支出", None),         # 深圳 信访局 p7: one project's spending, not the 项目支出 total
    ("、项目支出", ("project_expenditure", None)),
    ("江苏省人大常委会办公厅2017年度财政拨款基本支出预算", ("basic_expenditure", "fiscal_appropriation")),
    ("(详见表6)2026年一般公共预算基本支出", ("basic_expenditure", "general_public")),
])
def test_labels_are_read_by_meaning(label, expected):
    assert classify_label(label) == expected


def test_a_class_line_cut_at_its_colon_is_no_headline():
    # 江苏省人民检察院 2018 p26: the 类/款 is named before the colon, 预算支出合计 after it
    lines = ["其中:(一)公共安全支出(类)检察(款):2018年预算支出合计16,444.36万元。",
             "本年支出预算合计21,955.35万元,其中:基本支出13,994.31万元。"]
    assert [(f.measure, f.amount) for f in read_narrative([(26, lines)])] == [
        ("expenditure_total", D("21955.35")), ("basic_expenditure", D("13994.31"))]


def test_units_are_kept_as_printed_with_a_yuan_value():
    lines = ["本部门2024年度“三公”经费预算合计1,234.5元。", "政府采购预算总额0.12亿元。", "机关运行经费预算数为 56 万元。"]
    figures = read_narrative([(1, lines)])
    assert [(f.measure, f.amount, f.unit, f.amount_yuan) for f in figures] == [
        ("three_public_total", D("1234.5"), "元", D("1234.5")),
        ("government_procurement", D("0.12"), "亿元", D("12000000.00")),
        ("administrative_operating", D("56"), "万元", D("560000")),
    ]


def _head(path):
    """The head lines the spine reads (first lines of pages 1-2), as :func:`read_pdf_layout` gathers them."""
    if not path.is_file():
        pytest.skip(f"real document {path} not found")
    head: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:2]:
            head += _lines_of(page.chars)[: HEAD_LINES - len(head)]
    return head


@pytest.mark.parametrize("name, department", [
    # cover p1 ``2017 年度江苏省高级人民法院部门预算公开`` then 目 录 … ``一、主要职能。`` (was the department)
    ("江苏省高级人民法院_省法院2017年度部门预算公开.pdf", "江苏省高级人民法院"),
    # cover p1 ``2018 年度江苏省高级`` / ``人民法院预算公开``: a title wrapped over two lines (was 一、主要职能。)
    ("江苏省高级人民法院_省法院2018年度部门预算公开.pdf", "江苏省高级人民法院"),
    # cover p1 ``江苏省人民检察院`` / ``年部门预算`` / ``2017``
    ("江苏省人民检察院_2017年省检察院部门预算.pdf", "江苏省人民检察院"),
])
def test_department_from_the_cover_title_never_a_heading(name, department):
    assert _department([], _head(JIANGSU / name)) == department


def test_a_section_heading_is_never_a_department():
    assert _department([], ["目录", "第一部分 部门概况", "一、主要职能。", "（一）机构设置"]) is None
    assert _department([], ["- 1 -", "一、部门主要职责"]) is None


@pytest.mark.parametrize("name, department", [
    # p1 caption ``部门： 江苏省人大常委会办公厅 单位：万元`` (was 公开表一)
    ("江苏省人大办公厅_江苏省人大常委会办公厅2019年部门预算公开表.pdf", "江苏省人大常委会办公厅"),
    # p1 caption ``部门：江苏省政协办公厅 单位：万元`` (was 表一)
    ("江苏省政协办公厅_2017年度部门预算公开表.pdf", "江苏省政协办公厅"),
])
def test_department_of_a_tables_file_from_its_部门_caption(name, department):
    path = JIANGSU / name
    if not path.is_file():
        pytest.skip(f"real document {path} not found")
    with pdfplumber.open(path) as pdf:
        layout = read_pdf_layout(pdf)
    captions = [line for table in layout.tables for line in table.caption]
    assert _department(captions, layout.head_lines, layout.tables) == department


def test_a_heading_ending_in_情况_is_not_part_of_the_label():
    """广州 市信访局 2026 部门预算 p21, as printed: the heading ``一、部门预算收支增减变化情况`` runs into the sentence."""
    lines = ["一、部门预算收支增减变化情况", "2026年本部门收入预算3,944.08万元，比上年增加286.07万",
             "元，增长7.8%，主要原因是一是基本支出因人员增加及政策性调", "整；支出预算3,944.08万元，比上年增加286.07万元，增长",
             "二、“三公”经费安排情况", "2026年本部门财政拨款安排“三公”经费4.8万元，比上年减"]
    figures = read_narrative([(21, lines)])
    assert [(f.measure, f.fund_type, f.amount, f.amount_yuan) for f in figures] == [
        ("income_total", None, D("3944.08"), D("39440800")),
        ("expenditure_total", None, D("3944.08"), D("39440800")),
        ("three_public_total", "fiscal_appropriation", D("4.8"), D("48000")),
    ]
