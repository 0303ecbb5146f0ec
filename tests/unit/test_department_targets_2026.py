"""The 2026 部门整体预算绩效目标申报表 of 广州市政务服务和数据管理局 (real PDF, 2 pages, ruled grid).

Every expected value below was read off the page (pdfplumber ``extract_tables()`` / ``extract_text()``):
page 1 holds 部门名称, the 预算整体情况 block (万元), 总体绩效目标 and three 年度重点工作任务 rows; page 2
continues the tasks (the section label printed again, in a grid of other column positions), then
其他需完成的任务（可选填） (blank) and the 绩效指标 grid of 21 rows. 效益指标 is printed nowhere: the 一级
cell 产出指标 spans the 社会效益指标 rows too.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.parsing import parse_document
from orchestration.parsing.detect import detect_document
from orchestration.parsing.text_common import has_department_title, split_lines
from orchestration.ingestion.loading import DocumentRegistration, connect, write_document

PDF = (Path(__file__).resolve().parents[3] / "shared" / "realdocs" / "guangzhou-2026"
       / "广州_市政务服务和数据管理局_2026_部门整体预算绩效目标申报表.pdf")

pytestmark = pytest.mark.skipif(not PDF.is_file(), reason="shared/realdocs not present")


@pytest.fixture(scope="module")
def doc():
    return parse_document(PDF.read_bytes(), PDF.name)


def _wan(text: str) -> Decimal:
    """An amount printed in 万元 → 元, as stored."""
    return Decimal(text.replace(",", "")) * 10000


def test_read_as_the_department_wide_form(doc):
    assert (doc.doc_type, doc.layout, doc.title, doc.department, doc.fiscal_year, doc.page_count) == (
        "department_targets", "national_department_form", "部门整体预算绩效目标申报表", "广州市政务服务和数据管理局",
        2026, 2)
    assert doc.fiscal_year_source == "file_name"  # the form prints no year of its own
    profile = doc.department_targets.profile
    assert (profile.department, profile.fiscal_year) == ("广州市政务服务和数据管理局", 2026)  # the marts read the profile's
    assert profile.overall_goal.startswith("坚持以习近平新时代中国特色社会主义思想为指导")
    assert profile.overall_goal.endswith("助力广州打造数字中国标杆城市。")


def test_budget_split_and_income_sources_in_yuan(doc):
    p = doc.department_targets.profile
    assert p.amount_unit_printed == "万元"
    assert (p.expenditure_basic_yuan, p.expenditure_project_yuan) == (_wan("12,634.14"), _wan("86,246.64"))
    assert (p.income_fiscal_appropriation_yuan, p.income_other_yuan, p.income_special_account_yuan) == (
        _wan("98,880.78"), Decimal("0.00"), None)
    assert (p.development_special_funds_yuan, p.development_other_yuan) == (Decimal("0.00"), Decimal("0.00"))
    assert (p.own_level_use_yuan, p.transfer_to_lower_levels_yuan) == (_wan("98,880.78"), Decimal("0.00"))
    # no 合计 printed: the total is the sum of the sources, and says so
    assert p.income_total_yuan == _wan("98,880.78")
    assert [e.kind for e in doc.events if e.kind == "income_total_derived"] == ["income_total_derived"]


def test_the_forms_arithmetic_holds(doc):
    p = doc.department_targets.profile
    by_kind = p.expenditure_basic_yuan + p.expenditure_project_yuan
    by_source = p.income_fiscal_appropriation_yuan + p.income_other_yuan
    by_level = p.own_level_use_yuan + p.transfer_to_lower_levels_yuan
    assert by_kind == by_source == by_level == Decimal("988807800.00")
    assert not [e for e in doc.events if e.kind == "department_budget_difference"]
    (checked,) = [e.detail for e in doc.events if e.kind == "department_budget_checked"]
    assert checked == ("基本支出 + 项目支出 = 收入来源 合计 = 98,880.78 万元; 收入来源 合计 = 本级使用资金 + 对下转移支付资金 "
                       "= 98,880.78 万元; Σ 年度重点工作任务 拟投入的资金 66,395.71 万元 (5 tasks) ≤ the budget 98,880.78 万元")


def test_tasks_with_their_amounts_across_the_page_break(doc):
    tasks = doc.department_targets.tasks
    assert [(t.task_no, t.amount_yuan) for t in tasks] == [
        (1, _wan("164.85")), (2, _wan("12,000.00")), (3, _wan("1,108.00")), (4, _wan("1,756.90")), (5, _wan("51,365.96"))]
    # nothing printed equals Σ tasks (66,395.71): they are the main tasks, less than 项目支出 86,246.64
    assert sum(t.amount_yuan for t in tasks) == _wan("66,395.71") < doc.department_targets.profile.expenditure_project_yuan
    assert tasks[0].task_name == "通过制定出台数字政府、数字广州、数据管理等政策规划性文件，引领广州数字政府建设纵深推进，巩固数字政府建设全国领先水平"
    assert tasks[0].content_text.startswith("多维度推进助力数字经济发展与算力基础设施建设")
    assert tasks[0].goal_text.startswith("为推动广州数字经济高质量发展")
    assert tasks[1].task_name == "为市民群众提供全方位、多渠道、一体化的热线服务"
    assert tasks[3].task_name == "深化数字政府建设，深化“穗智管”运营服务，加强信息化项目管理"  # page 2, label printed again
    assert tasks[3].content_text.startswith("为保障全市政务信息化工作有序推进与穗智管项目高效运转")
    assert tasks[4].task_name == "统筹全市电子政务基础设施、信息系统、数据资源等安全保障工作。"  # page 2, label cell blank
    assert tasks[4].goal_text.endswith("推动形成广州数字经济发展新动能。")
    assert all(t.projects == [] and t.projects_text is None for t in tasks)


def test_indicator_counts_per_category(doc):
    indicators = doc.department_targets.indicators
    assert len(indicators) == 21
    assert Counter(i.level1_code for i in indicators) == {"1": 10, "2": 7, "3": 2, "4": 2}
    assert Counter(i.level2_code for i in indicators) == {"11": 6, "12": 2, "13": 2, "22": 7, "31": 2, "41": 2}
    # as printed: the 一级 cell 产出指标 spans the 社会效益指标 rows (效益指标 is printed nowhere)
    assert Counter(i.level1_name for i in indicators) == {"产出指标": 17, "满意度指标": 2, "成本指标": 2}
    (differs,) = [e.detail for e in doc.events if e.kind == "level1_differs_from_level2"]
    assert "'社会效益指标' (22) belongs to 一级 2" in differs and "7 indicator(s) (seq 11-17) is '产出指标' (1)" in differs
    assert not [e for e in doc.events if e.kind == "indicator_category_unknown"]


FIELDS = ("seq", "level1_code", "level1_name", "level2_code", "level2_name", "indicator_name", "period_value",
          "expected_value")


def test_indicators_field_by_field(doc):
    rows = {i.seq: tuple(getattr(i, f) for f in FIELDS) for i in doc.department_targets.indicators}
    assert rows[1] == (1, "1", "产出指标", "11", "数量指标", "提出“十五五”规划任务举措数量（条）", "≥20", "≥20")
    assert rows[5] == (5, "1", "产出指标", "11", "数量指标", "立项\\终验审核数量值",
                       "项目立项数量≥400个；项目终验数量≥400个。", "项目立项数量≥400个；项目终验数量≥400个。")
    assert rows[9] == (9, "1", "产出指标", "13", "时效指标", "工单转派的及时率", "100%", "100%")
    assert rows[12] == (12, "2", "产出指标", "22", "社会效益指标", "特别重大事件（Ⅰ级）发生率", "≤1%", "≤1%")
    assert rows[14] == (14, "2", "产出指标", "22", "社会效益指标", "企业诉求及时办结率", "≥99％", "≥99%")  # full-width ％ as printed
    assert rows[19] == (19, "3", "满意度指标", "31", "服务对象满意度指标",
                        "数字政府政务云、安全运营、信息基础设施统一运维服务综合满意率", "≥80%", "≥80%")
    assert rows[20] == (20, "4", "成本指标", "41", "经济成本指标", "项目预算控制率=项目实际费用金额/项目投资概算*100%",
                        "≤100%", "≤100%")
    assert rows[21] == (21, "4", "成本指标", "41", "经济成本指标", "人工成本控制率", "≤1", "≤1")
    first = doc.department_targets.indicators[0]
    assert (first.task_no, first.source_page, first.expected_target.comparator, first.expected_target.value) == (
        0, 2, "ge", 20.0)


def test_nothing_left_unread(doc):
    kinds = {e.kind for e in doc.events}
    assert not kinds & {"text_not_read", "task_cell_not_read", "table_not_read", "amount_cell_not_a_number",
                        "amount_unit_not_stated"}


@pytest.mark.parametrize("title", ["部门整体绩效目标", "部门整体预算绩效目标申报表", "部门整体支出绩效目标申报表",
                                   "单位整体绩效目标表", "部门 整体 预算 绩效目标 申报表", "荔湾区部门整体绩效目标（2023）年"])
def test_department_titles_whatever_words_stand_between(title):
    assert has_department_title(title)
    text = f"{title}\n部门名称：某局\n"
    assert detect_document(text, split_lines(text)).doc_type == "department_targets"


@pytest.mark.parametrize("text", ["部门整体情况说明", "项目支出绩效目标表", "部门整体，绩效目标", "部门预算绩效目标"])
def test_other_titles_are_not_department_forms(text):
    assert not has_department_title(text)


def test_loads_into_the_raw_tables(doc, tmp_path):
    with connect(tmp_path / "warehouse.duckdb") as con:
        write_document(con, DocumentRegistration("d" * 64, PDF.name, str(PDF), "pdf", PDF.stat().st_size), doc, "loaded")
        profile = con.execute(
            "SELECT expenditure_basic_yuan, expenditure_project_yuan, income_fiscal_appropriation_yuan, "
            "own_level_use_yuan, amount_unit_printed FROM raw.department_targets").fetchone()
        tasks = con.execute("SELECT sum(amount_yuan), count(*) FROM raw.department_tasks").fetchone()
        codes = con.execute("SELECT level1_code, count(*) FROM raw.department_indicators GROUP BY 1 ORDER BY 1").fetchall()
    assert profile == (_wan("12,634.14"), _wan("86,246.64"), _wan("98,880.78"), _wan("98,880.78"), "万元")
    assert tasks == (_wan("66,395.71"), 5)
    assert codes == [("1", 10), ("2", 7), ("3", 2), ("4", 2)]


def test_seed_form_gets_the_codes_its_names_allow():
    """The 部门整体绩效目标 of seed 002 (text): official 一级 names get their codes; its 二级 cells are mostly
    category descriptions (数量、质量、时效、成本方面的指标), which keep no code and are reported once each."""
    seed = next((Path(__file__).resolve().parents[2] / "warehouse" / "samples").glob("002_*.txt"))
    targets = parse_document(seed.read_bytes(), seed.name)
    indicators = targets.department_targets.indicators
    assert Counter((i.level1_name, i.level1_code) for i in indicators) == {("产出指标", "1"): 15, ("效益指标", "2"): 7}
    assert [(i.task_no, i.seq, i.level2_name, i.level2_code) for i in indicators if i.level2_code] == [
        (4, 2, "质量指标", "12")]  # seed line 54: 质量指标 printed in the 二级 column of 任务4
    unknown = [e.detail for e in targets.events if e.kind == "indicator_category_unknown"]
    assert len(unknown) == 3 and "'服务满意度指标'" in unknown[2] and "(2 indicator(s), task 0 seq 7; task 2 seq 6)" in unknown[2]


def test_its_text_layer_is_refused_with_the_forms_own_name():
    """As plain text the grid's columns are lost: refused, naming the title printed, asking for the PDF."""
    import pdfplumber

    from orchestration.parsing.records import ParseError

    with pdfplumber.open(PDF) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    with pytest.raises(ParseError, match=r"部门整体预算绩效目标申报表 \(national department-wide form\) as plain text"):
        parse_document(text.encode(), "form.txt")
