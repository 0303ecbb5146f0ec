"""The national grid templates (一级/二级/三级指标 rows) from PDF, XLSX, XLS, DOCX and HTML.

The documents are built from the real published texts (tests/national_forms.py,
shared/realdocs/target-tables/); every field of every indicator is asserted, and
the same content must give the same records in every format.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.formats.html import read_html_layout
from orchestration.parsing.formats.word import read_docx_layout
from orchestration.parsing.readers.grid_targets import column_type, form_label
from tests.national_forms import EZHOU, FORMS, GUANGSHUI, HUNAN, SICHUAN, WRITERS, to_html, to_xlsx

FORMATS = ["pdf", "xlsx", "xls", "docx", "html"]
STD = "计划标准"

# (一级, code, 二级, code, 三级, 指标值 as printed, 指标性质, 度量单位, 权重, 方向, 绩效标准, comparator, value, unit)
HUNAN_INDICATORS = [
    ("产出指标", "1", "数量指标", "11", "雾炮车降尘抑尘服务配备车辆数", "10辆", None, None, None, None, STD, "eq", 10.0, "辆"),
    ("产出指标", "1", "数量指标", "11", "雾炮车风炮射程", "≥80M", None, None, None, None, STD, "none", None, None),
    ("产出指标", "1", "质量指标", "12", "服务周期内空气质量", "优良", None, None, None, None, STD, "none", None, None),
    ("产出指标", "1", "时效指标", "13", "服务周期", "2023.07-2024.01", None, None, None, None, STD, "range", None, None),
    ("产出指标", "1", "成本指标", "14", "控制在预算成本内", "250万", None, None, None, None, STD, "eq", 250.0, "万"),
    ("效益指标", "2", "社会效益指标", "22", "服务周期内,市民对空气质量改善的满意程度", "≥85%", None, None, None, None, STD,
     "ge", 85.0, "%"),
    # the stored page prints no 一级 cell for this row: 效益指标 spans it (the mart flags level2_not_under_level1)
    ("效益指标", "2", "社会公众或服务对象满意度指标", "31", "市民满意度", "≥90%", None, None, None, None, STD, "ge", 90.0, "%"),
]


def _s(l1, l2, name, op, value, unit, weight, direction):
    codes = {"效益指标": "2", "产出指标": "1", "满意度指标": "3"}
    l2codes = {"社会效益指标": "22", "时效指标": "13", "质量指标": "12", "经济效益指标": "21", "数量指标": "11",
               "生态效益指标": "23", "可持续影响指标": "24", "服务对象满意度指标": "31"}
    comparator = {"≥": "ge", "=": "eq"}[op]
    return (l1, codes[l1], l2, l2codes[l2], name, value, op, unit, weight, direction, None, comparator, float(value), unit)


P = "positive"
SICHUAN_PROJECT_1 = [
    _s("效益指标", "社会效益指标", "维护社会稳定", "≥", "95", "%", 10.0, P),
    _s("产出指标", "时效指标", "维持时效", "≥", "1", "年", 20.0, P),
    _s("产出指标", "质量指标", "按时发放", "≥", "1", "人/年", 10.0, P),
    _s("效益指标", "经济效益指标", "促进村集体经济发展", "≥", "95", "%", 10.0, P),
    _s("产出指标", "数量指标", "村组干部230人", "≥", "230", "个", 10.0, P),
    _s("效益指标", "生态效益指标", "保护生态环境卫生", "≥", "95", "%", 10.0, P),
    _s("效益指标", "可持续影响指标", "项目维持时效", "≥", "95", "%", 10.0, P),
    _s("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥", "95", "%", 10.0, P),
]
SICHUAN_PROJECT_2 = [
    _s("满意度指标", "服务对象满意度指标", "辖区内群众满意度", "≥", "95", "%", 10.0, P),
    _s("效益指标", "经济效益指标", "促进农村集体经济发展", "≥", "95", "%", 10.0, P),
    _s("效益指标", "可持续影响指标", "经济、环境等方面可持续发展", "≥", "95", "%", 10.0, P),
    _s("产出指标", "质量指标", "保障村社区正常运转", "≥", "95", "%", 20.0, P),
    _s("产出指标", "数量指标", "行政村数量", "=", "11", "个", 10.0, None),  # 指标方向性 cut off in the stored page
]
EZHOU_INDICATORS = [
    ("产出指标", "1", "数量指标", "11", "办公大楼日常维修维护次数", "2280次", None, None, None, None,
     "反映办公大楼全年维修维护情况", "eq", 2280.0, "次"),
    ("产出指标", "1", "数量指标", "11", "大楼安检巡察次数", "200次", None, None, None, None, "反映大楼保卫巡检情况",
     "eq", 200.0, "次"),
    ("产出指标", "1", "质量指标", "12", "办公大楼日常维修维护验收合格率", ">92%", None, None, None, None,
     "反映办公大楼全年维修维护质量情况", "gt", 92.0, "%"),
    ("产出指标", "1", "质量指标", "12", "经常性大型设备更新验收合格率", "292%", None, None, None, None,
     "反映办公大楼大型设备更新验收情况", "eq", 292.0, "%"),
    ("产出指标", "1", "质量指标", "12", "重.要设备维修维保验收合格率", "95%", None, None, None, None,
     "反映设备设施维保质量情况", "eq", 95.0, "%"),
    ("产出指标", "1", "成本指标", "14", "成本控制率", "不超预算", None, None, None, None, None, "none", None, None),
]


def _indicator_rows(doc):
    return [(i.line_no, i.level1_name, i.level1_code, i.level2_name, i.level2_code, i.indicator_name, i.annual_target,
             i.operator, i.measure_unit, i.weight, i.direction, i.standard, i.annual.comparator, i.annual.value,
             i.annual.unit) for i in doc.indicators]


def _lines(doc):
    return [(b.line_no, b.line_type, b.spending_unit, b.project_name, b.amount_total, b.amount_fiscal_appropriation,
             b.amount_other, b.goal_text) for b in doc.budget_lines]


@pytest.fixture(scope="module")
def parsed():
    """Every form in every format, parsed once."""
    return {(name, fmt): parse_document(WRITERS[fmt](form), f"{name}.{fmt}")
            for name, form in FORMS.items() for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_single_project_form_hunan(parsed, fmt):
    doc = parsed[("hunan", fmt)]
    assert (doc.doc_type, doc.layout, doc.department, doc.fiscal_year) == (
        "project_targets", "national_project_form", "湘潭市环境卫生管理处", 2023)
    goal = "通过采购雾炮车降尘抑尘服务,服务周期2023.07-2024.01,全市空气质量达到优良"
    # the form prints no 合计 and no unit subtotal: both are the sums of the projects (events say so)
    assert _lines(doc) == [
        (1, "department_total", None, None, Decimal("250"), None, None, None),
        (2, "spending_unit", "湘潭市环境卫生管理处", None, Decimal("250"), None, None, None),
        (3, "project", "湘潭市环境卫生管理处", "雾炮车降尘抑尘服务", Decimal("250"), None, None, goal),
    ]
    assert _indicator_rows(doc) == [(3, *row) for row in HUNAN_INDICATORS]
    assert {i.template for i in doc.indicators} == {"national_grid"}
    assert doc.indicators[3].annual.deadline == "2024-01"  # 服务周期 2023.07-2024.01: a period of months
    kinds = [e.kind for e in doc.events]
    # the three empty 二级 rows the template keeps, the footer (filled in, values not stored), the 上级/本级 split
    assert kinds.count("indicator_placeholder") == 3
    footer = next(e for e in doc.events if e.kind == "form_footer")
    assert "填表人 filled in" in footer.detail and "联系电话 filled in" in footer.detail and "单位负责人 empty" in footer.detail
    assert "16607326331" not in footer.detail and "宋云花" not in footer.detail
    assert "amount_total_derived" in kinds


@pytest.mark.parametrize("fmt", FORMATS)
def test_multi_project_grid_sichuan(parsed, fmt):
    doc = parsed[("sichuan", fmt)]
    assert (doc.doc_type, doc.layout, doc.department, doc.fiscal_year) == (
        "project_targets", "national_project_grid", "马踏镇部门", 2023)
    unit = "井研县马踏镇人民政府"
    goal2 = ("包括必要的办公用品费、水电费、报刊费等村社区办公经费,基层党组织开展组织活动、党员干部教育培训,"
             "群团活动开展,组织活动场所维护等。")
    # 金额单位:元 → 万元 (8,827,620.53 元 = 882.762053 万元, stored rounded with an amount_rounded event)
    assert _lines(doc) == [
        (1, "department_total", None, None, Decimal("882.76"), None, None, None),
        (2, "spending_unit", unit, None, Decimal("396.98"), None, None, None),  # sum of its projects
        (3, "project", unit, "村组干部报酬", Decimal("330.98"), None, None, "按时发放村组干部报酬"),
        (4, "project", unit, "基层组织活动经费", Decimal("66.00"), None, None, goal2),
    ]
    expected = [(3, *r) for r in SICHUAN_PROJECT_1] + [(4, *r) for r in SICHUAN_PROJECT_2]
    assert _indicator_rows(doc) == [(e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], e[9], e[10], e[11], e[12],
                                     e[13], e[14]) for e in expected]
    weights = [e.detail for e in doc.events if e.kind == "weights_not_100"]
    assert weights == ["project '村组干部报酬': weights add up to 90, not 100: 10 + 20 + 10 + 10 + 10 + 10 + 10 + 10",
                       "project '基层组织活动经费': weights add up to 60, not 100: 10 + 10 + 10 + 20 + 10"]
    assert sum(e.kind == "amount_rounded" for e in doc.events) == 3  # department, unit and first project


@pytest.mark.parametrize("fmt", FORMATS)
def test_single_project_form_ezhou_without_level3_column(parsed, fmt):
    """Hubei's form has 一级指标 / 二级指标 / 绩效标准 / 当年预期实现值: its 一级 column holds 二级 names."""
    doc = parsed[("ezhou", fmt)]
    assert (doc.layout, doc.fiscal_year, doc.department) == ("national_project_form", 2022, None)
    # no unit is named: the document's total is the sum of its one project (the form's 合计 814)
    assert _lines(doc) == [(1, "department_total", None, None, Decimal("814"), None, None, None),
                           (2, "project", None, "滨湖大楼(办公大楼)运行保障", Decimal("814"), None, None,
                            "以办公大楼服务对象满意为目标,着力打造文明型机关、卫生Z口机关。")]
    assert _indicator_rows(doc) == [(2, *row) for row in EZHOU_INDICATORS]
    assert any(e.kind == "spending_unit_not_stated" for e in doc.events)  # the stored beginning names no unit
    assert any(e.kind == "department_unknown" for e in doc.events)  # nor a department: loaded, a finding
    (inferred,) = [e.detail for e in doc.events if e.kind == "indicator_level1_inferred"]
    assert "for 6 indicator(s): 1 数量指标→产出指标, 2 数量指标→产出指标, 3 质量指标→产出指标" in inferred
    unread = [e.detail for e in doc.events if e.kind == "text_not_read"]
    assert any("保安服务费 | 191 | 依据招标文件" in d for d in unread)  # the cost table is reported, not dropped


@pytest.mark.parametrize("fmt", FORMATS)
def test_department_form_guangshui(parsed, fmt):
    doc = parsed[("guangshui", fmt)]
    assert (doc.doc_type, doc.layout, doc.department) == ("department_targets", "national_department_form", "广水市人民政府办公室")
    profile = doc.department_targets.profile
    assert profile.income_fiscal_appropriation_yuan == Decimal("9681918")  # 968.1918 万元
    assert profile.income_total_yuan == Decimal("9681918")
    assert profile.income_other_yuan is None
    assert profile.function_summary.startswith("(一)负责全市人民防空工作。")
    assert profile.filler_named and profile.contact_phone_given
    assert doc.department_targets.indicators == []  # the stored text ends before the indicators
    # the 支出构成 row is the budget split (万元 → 元); the 占比 row stays reported, not read
    assert (profile.expenditure_basic_yuan, profile.expenditure_project_yuan) == (Decimal("7242318"), Decimal("2439600"))
    assert profile.amount_unit_printed == "万元"
    assert any(e.kind == "text_not_read" and "基本支出 74.8%" in e.detail for e in doc.events)
    assert [e.detail for e in doc.events if e.kind == "department_budget_checked"] == [
        "基本支出 + 项目支出 = 收入来源 合计 = 968.1918 万元"]


@pytest.mark.parametrize("name", ["hunan", "sichuan", "ezhou"])
def test_one_content_gives_the_same_records_in_every_format(parsed, name):
    records = {fmt: (_lines(parsed[(name, fmt)]), _indicator_rows(parsed[(name, fmt)]),
                     [i.annual for i in parsed[(name, fmt)].indicators]) for fmt in FORMATS}
    for fmt in FORMATS[1:]:
        assert records[fmt] == records["pdf"], fmt


def test_provenance_per_format(parsed):
    pdf = parsed[("sichuan", "pdf")].indicators[0]
    assert pdf.source_page == 1 and pdf.bbox_x0 is not None and pdf.source_address is None
    assert parsed[("sichuan", "xlsx")].indicators[0].source_address == "Sheet1!G5"
    assert parsed[("sichuan", "xls")].indicators[0].source_address == "部门项目支出绩效目标05-2!G5"
    assert parsed[("sichuan", "docx")].indicators[0].source_address == "table 1 row 5 col 7"
    assert parsed[("sichuan", "html")].indicators[0].source_address == "table 1 row 5 col 7"


def test_several_forms_in_one_file():
    """Two single-project forms one after the other on one sheet: two projects, indicators on each."""
    second = type(HUNAN)(name="h2", columns=HUNAN.columns, above=HUNAN.above, below=HUNAN.below,
                         rows=[[c if c.text != "雾炮车降尘抑尘服务" else type(c)("第二个项目", c.colspan, c.rowspan) for c in row]
                               for row in HUNAN.rows])
    doc = parse_document(to_xlsx([HUNAN, second], stacked=True), "two.xlsx")
    projects = [b.project_name for b in doc.budget_lines if b.line_type == "project"]
    assert projects == ["雾炮车降尘抑尘服务", "第二个项目"]
    assert [i.line_no for i in doc.indicators] == [3] * 7 + [4] * 7


def test_html_in_gbk_with_layout_tables():
    layout = read_html_layout(to_html(HUNAN, encoding="gbk"))
    assert [t.rows[1][1].text for t in layout.tables] == ["雾炮车降尘抑尘服务"]
    assert layout.events and layout.events[0][0] == "decoded_as"
    assert layout.tables[0].notes == ["填表人: 宋云花 联系电话:16607326331 填报日期: 单位负责人签字:"]
    doc = parse_document(to_html(HUNAN, encoding="gbk"), "hunan.htm")
    assert len(doc.indicators) == 7


def test_docx_merged_cells_read_as_the_grid_shows_them():
    table = read_docx_layout(WRITERS["docx"](SICHUAN)).tables[0]
    unit_column = [row[0] for row in table.rows[4:]]
    assert unit_column[0].is_origin and unit_column[0].text == "820001-井研县马踏镇人民政府"
    assert all(c.covered_by == (4, 0) and c.text == unit_column[0].text for c in unit_column[1:])
    title = table.rows[0]
    assert title[0].text == "部门预算项目绩效目标申报表(2023年度)" and all(c.covered_by == (0, 0) for c in title[1:])


def test_labels_decide_column_types_and_form_fields():
    assert [column_type(t) for t in ("指标值及单位", "度量单位", "计量单位", "权重", "分值", "指标方向性", "绩效标准", "指标性质",
                                     "当年预期实现值", "三级指标")] == [
        "value", "unit", "unit", "weight", "weight", "direction", "standard", "operator", "value", "level3"]
    assert [form_label(t) for t in ("项目支出名称", "部门(单位) 名称", "年度本级 预算金额", "该项目支出上级资金",
                                    "本年度绩效目标", "实施期绩效目标", "财政部门审核意见", "其他资金")] == [
        "project_name", "department", "own_level_funds", "superior_funds", "annual_goal", "period_goal", "review", "other"]


def test_unknown_level2_name_is_kept_and_flagged():
    rows = [row[:] for row in SICHUAN.rows]
    rows[4] = [c if c.text != "社会效益指标" else type(c)("社会影响指标") for c in rows[4]]
    doc = parse_document(to_xlsx(type(SICHUAN)(name="x", columns=13, rows=rows)), "x.xlsx")
    first = doc.indicators[0]
    assert (first.level2_name, first.level2_code) == ("社会影响指标", None)
    assert any(e.kind == "indicator_category_unknown" and "社会影响指标" in e.detail for e in doc.events)


def test_bad_office_files_get_a_clear_reason():
    with pytest.raises(ParseError, match=r"\.xlsx but the content is not an Excel \.xlsx workbook"):
        parse_document(b"%%not a zip", "budget.xlsx")
    with pytest.raises(ParseError, match=r"not a readable Excel 97"):
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "budget.xls")
    with pytest.raises(ParseError, match=r"no performance-target grid found"):
        parse_document(to_html(type(HUNAN)(name="n", columns=2, rows=[[C("a"), C("b")]])), "page.html")


from tests.national_forms import C  # noqa: E402  (used by the tests above)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_department_form_reads_its_indicator_grid(fmt):
    """The department form's indicator grid is the national one: composed here from the Guangshui form's
    head (the stored text ends before its indicators) and indicator rows of the Sichuan grid's text."""
    rows = [r for r in GUANGSHUI.rows[:-1]]
    rows.append([C(t) for t in ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位")])
    for item in SICHUAN_PROJECT_2[:3]:
        rows.append([C(item[0]), C(item[2]), C(item[4]), C(item[6]), C(item[5]), C(item[7])])
    form = type(GUANGSHUI)(name="dept", columns=6, above=GUANGSHUI.above, rows=rows)
    doc = parse_document(WRITERS[fmt](form), f"dept.{fmt}")
    indicators = doc.department_targets.indicators
    assert [(i.task_no, i.seq, i.level1_name, i.level2_name, i.indicator_name, i.expected_value, i.calculation_unit,
             i.expected_target.comparator, i.expected_target.value, i.expected_target.unit) for i in indicators] == [
        (0, 1, "满意度指标", "服务对象满意度指标", "辖区内群众满意度", "95", "%", "ge", 95.0, "%"),
        (0, 2, "效益指标", "经济效益指标", "促进农村集体经济发展", "95", "%", "ge", 95.0, "%"),
        (0, 3, "效益指标", "可持续影响指标", "经济、环境等方面可持续发展", "95", "%", "ge", 95.0, "%"),
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_department_indicator_weight_and_direction_are_columns(fmt):
    """A department form whose grid has 权重 / 指标方向性 / 绩效标准 (as the Sichuan grid has): they land on the
    department indicators' columns, as on project indicators, and weights not adding up to 100 are reported."""
    rows = [r for r in GUANGSHUI.rows[:-1]]
    rows.append([C(t) for t in ("一级指标", "二级指标", "三级指标", "指标值", "权重", "指标方向性")])
    for item in SICHUAN_PROJECT_2[:4]:
        rows.append([C(item[0]), C(item[2]), C(item[4]), C(item[6] + item[5] + item[7]), C(f"{item[8]:g}"), C("正向指标")])
    form = type(GUANGSHUI)(name="dept", columns=6, above=GUANGSHUI.above, rows=rows)
    doc = parse_document(WRITERS[fmt](form), f"dept.{fmt}")
    assert [(i.indicator_name, i.weight, i.direction, i.expected_target.comparator, i.expected_target.value)
            for i in doc.department_targets.indicators] == [
        ("辖区内群众满意度", 10.0, "positive", "ge", 95.0),
        ("促进农村集体经济发展", 10.0, "positive", "ge", 95.0),
        ("经济、环境等方面可持续发展", 10.0, "positive", "ge", 95.0),
        ("保障村社区正常运转", 20.0, "positive", "ge", 95.0),
    ]
    assert [e.detail for e in doc.events if e.kind == "weights_not_100"] == [
        "department: weights add up to 50, not 100: 10 + 10 + 10 + 20"]
    assert not [e for e in doc.events if e.kind == "department_indicator_extra"]
