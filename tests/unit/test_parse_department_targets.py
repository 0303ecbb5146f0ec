"""Seed 002 (荔湾区部门整体绩效目标（2023）年) parsed field by field.

Every expected value below was read by hand from
``warehouse/samples/002_a1d5ee949bd46efb.txt`` (58 lines, tab-separated);
line numbers are 1-based lines of that file. The repairs pinned here are
the ones the messy extract needs (see the module docstring of
``orchestration.parsing.readers.department_targets_text``).
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.readers.department_form_cells import split_projects

SEED = next((Path(__file__).resolve().parents[2] / "warehouse" / "samples").glob("002_*.txt"))

OUTPUT = "产出指标"
OUTCOME = "效益指标"
QQTC = "数量、质量、时效、成本方面的指标"
BENEFITS = "经济效益、社会效益、环境效益、可持续影响等方面的指标"

# (task_no, seq, line, 一级, 二级, 三级, 指标解释, 预期指标, level1_carried, level2_carried, repairs)
# 指标说明及公式 and 计算单位 are empty on every row of this document.
EXPECTED_ROWS = [
    # overall table: value and explanation drift one column right of their headers
    (0, 1, 14, OUTPUT, QQTC, "文明社区示范点推荐数量", "广州市文明社区示范点称号社区推荐数量", "不少于2个", False, False, ["cells_realigned"]),
    (0, 2, 15, OUTPUT, QQTC, "宣讲报告会场数", "举办宣讲活动场数", "不少于4场", True, True, ["cells_realigned", "merged_cell_carried_down"]),
    (0, 3, 16, OUTPUT, QQTC, "公共文明引导队伍建设数量", "打造公共文明引导队伍", "1支", True, True, ["cells_realigned", "merged_cell_carried_down"]),
    (0, 4, 17, OUTPUT, QQTC, "广州荔湾发布微信、微博阅读量", "广州荔湾发布微信、微博阅读量", "年增加5%", True, True, ["cells_realigned", "merged_cell_carried_down"]),
    (0, 5, 18, OUTCOME, BENEFITS, "新闻报道量", "中央、省市各大主流媒体反映荔湾正面新闻报道量", "不少于50篇", False, False, ["cells_realigned"]),
    (0, 6, 19, OUTCOME, BENEFITS, "网络正面宣传报道篇数", "涉我区网络正面宣传情况", "不少于200篇", True, True, ["cells_realigned", "merged_cell_carried_down"]),
    (0, 7, 20, OUTCOME, "服务满意度指标", "舆情日报数量", "编发舆情日报数量", "不少于200期", True, False, ["cells_realigned", "merged_cell_carried_down"]),
    # task 1: 指标解释 written in the unlabelled column right of its header
    (1, 1, 25, OUTPUT, QQTC, "党报党刊征订量", "完成征订党报党刊指标，为我区各项工作开展提供理论参考", "100%", False, False, ["cells_realigned"]),
    (1, 2, 26, OUTPUT, QQTC, "新闻报道量", "中央、省市各大主流媒体反映荔湾正面新闻报道量", "不少于50篇", True, True, ["cells_realigned", "merged_cell_carried_down"]),
    (1, 3, 27, OUTPUT, QQTC, "广州荔湾发布微信、微博阅读量", "广州荔湾发布微信、微博阅读量", "年增加5%", True, True, ["cells_realigned", "merged_cell_carried_down"]),
    (1, 4, 28, OUTCOME, BENEFITS, "网络正面宣传报道篇数", "涉我区网络正面宣传情况", "不少于200篇", False, False, ["cells_realigned"]),
    # task 2: laid out as its header says
    (2, 1, 34, OUTPUT, QQTC, "先进人物推荐参评数量", "推荐参评先进人物数量", "不少于5人", False, False, []),
    (2, 2, 35, OUTPUT, QQTC, "开展主题活动次数", "开展新时代文明实践主题活动次数", "不少于10场", True, True, ["merged_cell_carried_down"]),
    (2, 3, 36, OUTPUT, QQTC, "巡查次数", "对相关单位专项测评和日常巡查次数", "不少于50组次", True, True, ["merged_cell_carried_down"]),
    (2, 4, 37, OUTPUT, QQTC, "开展爱国主义教育主题活动次数", "开展爱国主义教育主题活动次数", "不少于3次", True, True, ["merged_cell_carried_down"]),
    (2, 5, 38, OUTPUT, QQTC, "公共文明引导队伍建设数量", "打造公共文明引导队伍", "1支", True, True, ["merged_cell_carried_down"]),
    (2, 6, 39, OUTCOME, "服务满意度指标", "市民对文明城市建设满意度", "市民对文明城市创建程度的满意度", "显著提升", False, False, []),
    # task 3: 二级指标 written as '-'
    (3, 1, 44, OUTPUT, None, "宣讲报告会场数", "举办宣讲活动场数", "不少于4场", False, False, ["placeholder_cleared"]),
    (3, 2, 45, OUTCOME, BENEFITS, "反映群众的知晓程度", "反映群众的知晓程度", "深入人心", False, False, []),
    # task 4: a page break (lines 51-53, with the section label 年度主要支出计划) cuts the table
    (4, 1, 50, OUTPUT, QQTC, "舆情日报数量", "编发舆情日报数量", "不少于200期", False, False, ["split_cell_joined"]),
    (4, 2, 54, OUTPUT, "质量指标", "舆情处置率", "反映舆情处置率", "达90%", True, False,
     ["split_cell_joined", "cells_realigned", "merged_cell_carried_down"]),
    (4, 3, 55, OUTCOME, BENEFITS, "党员学习教育宣传覆盖情况", "反映党员学习教育宣传覆盖情况", "95%", False, False,
     ["level1_label_in_level2_column", "cells_realigned", "label_spaces_removed"]),
]


@pytest.fixture(scope="module")
def parsed():
    return parse_document(SEED.read_bytes(), SEED.name)


def test_document_facts(parsed):
    assert parsed.doc_type == "department_targets"
    assert parsed.layout == "department_targets_tsv"
    assert parsed.title == "荔湾区部门整体绩效目标（2023）年"
    assert parsed.department == "中国共产党广州市荔湾区委员会宣传部"
    assert parsed.fiscal_year == 2023
    assert parsed.budget_lines == [] and parsed.indicators == []


def test_profile_and_income_in_yuan(parsed):
    p = parsed.department_targets.profile
    assert p.department == "中国共产党广州市荔湾区委员会宣传部"
    assert p.fiscal_year == 2023
    assert p.finance_office == "行政政法科"
    assert p.function_summary == (
        "区委宣传部是区委主管全区意识形态方面工作的职能部门，并且负责统筹协调网络安全工作和相关监督管理等工作。"
    )
    # 元, not 万元: 28,036,202.00 元 = 2,803.6202 万元
    assert p.income_total_yuan == Decimal("28036202.00")
    assert p.income_fiscal_appropriation_yuan == Decimal("28036202.00")
    assert p.income_special_account_yuan == Decimal("0.00")
    assert p.income_other_yuan == Decimal("0.00")
    assert p.overall_goal == (
        "坚持以习近平新时代中国特色社会主义思想为指导，坚决贯彻落实党中央决策部署和省委市委区委工作要求，"
        "切实完成2023年度各项宣传文化工作，严格按照区委全会的部署，突出文化自信自强，聚焦四大工程，打造四大品牌，"
        "高水平推进文化强区工作，不断将全区宣传思想文化事业推向新的高度，"
        "为全区经济社会高质量发展提供有力的思想保证、舆论支持、精神动力和文化条件。"
    )
    assert p.other_notes is None  # 其他需要说明的情况： left blank
    assert p.filled_on == dt.date(2023, 1, 4)
    assert p.source_line == 5


def test_personal_data_is_not_in_the_records(parsed):
    """填报人 and 联系电话 are recorded only as 'filled in', never as values."""
    p = parsed.department_targets.profile
    assert p.filler_named is True and p.contact_phone_given is True
    everything = repr(parsed)
    assert "黄君芝" not in everything
    assert "81599840" not in everything


def test_tasks(parsed):
    tasks = parsed.department_targets.tasks
    assert [(t.task_no, t.task_name, t.source_line) for t in tasks] == [
        (1, "新闻宣传和融媒体中心建设工作", 23),
        (2, "社会主义精神文明建设工作", 32),
        (3, "理论和出版、版权工作", 42),
        (4, "网络信息和舆情工作", 48),
    ]
    assert tasks[0].goal_text.startswith("根据上级以及区委的统一部署")
    assert tasks[0].goal_text.endswith("构建荔湾大ip宣传体系、社会宣传全覆盖体系、舆论引导多方联动体系。")
    assert tasks[1].goal_text.startswith("开展文明入心工程，打造“上善荔湾”")
    assert tasks[2].goal_text.startswith("开展思想铸魂工程，打造“声动荔湾”")
    assert tasks[3].goal_text.startswith("构建舆论引导多方联动体系")
    assert tasks[3].goal_text.endswith("协调全区各部门共同参与网络安全及网络意识形态综合治理工作。")
    assert [t.projects for t in tasks] == [
        ["宣传文化事业工作", "区融媒体中心工作", "重点项目资料拍摄项目", "新媒体运营和视频云端服务项目", "公务接待工作"],
        ["精神文明建设工作", "创建办工作", "创建文明城市工作", "公共文明引导志愿服务", "核心价值观宣传",
         "爱国主义教育基地管理", "拓展新时代文明实践中心建设", "专项业务工作"],
        ["思想政治工作", "文化市场管理", "扫黄打非及版权工作", "“学习强国”学习平台运营工作", "“西关学堂”公众号运营工作", "非遗版权活动"],
        ["网络信息工作", "网络外宣专项工作", "两新组织区域党委工作"],
    ]
    assert tasks[3].projects_text == "网络信息工作、网络外宣专项工作、两新组织区域党委工作。"


def test_indicator_counts_per_task(parsed):
    targets = parsed.department_targets
    assert {n: len(targets.indicators_of(n)) for n in range(5)} == {0: 7, 1: 4, 2: 6, 3: 2, 4: 3}


@pytest.mark.parametrize("row", EXPECTED_ROWS, ids=[f"task{r[0]}-{r[1]}-line{r[2]}" for r in EXPECTED_ROWS])
def test_every_indicator_row_field_by_field(parsed, row):
    task_no, seq, line, l1, l2, name, explanation, expected, l1_carried, l2_carried, repairs = row
    got = next(i for i in parsed.department_targets.indicators if i.task_no == task_no and i.seq == seq)
    assert got.source_line == line
    assert got.level1_name == l1
    assert got.level2_name == l2
    assert got.indicator_name == name
    assert got.explanation == explanation
    assert got.formula is None
    assert got.expected_value == expected
    assert got.calculation_unit is None
    assert (got.level1_carried, got.level2_carried) == (l1_carried, l2_carried)
    assert got.repairs == repairs
    assert got.raw_row == SEED.read_text("utf-8").split("\n")[line - 1]


def test_no_other_indicator_rows(parsed):
    assert [(i.task_no, i.seq) for i in parsed.department_targets.indicators] == [(r[0], r[1]) for r in EXPECTED_ROWS]


def test_repair_events_with_lines(parsed):
    """The repairs the extract needs, each recorded with its source line."""
    events = {(e.kind, e.source_line) for e in parsed.events}
    assert {("header_truncated", n) for n in (24, 33, 43, 49)} <= events
    assert ("section_label_in_table", 52) in events
    assert ("split_cell_joined", 54) in events
    assert ("level1_label_in_level2_column", 55) in events
    assert ("placeholder_cleared", 44) in events
    assert ("label_spaces_removed", 55) in events
    realigned = sorted(n for k, n in events if k == "cells_realigned")
    assert realigned == [14, 15, 16, 17, 18, 19, 20, 25, 26, 27, 28, 54, 55]
    kinds = {k for k, _ in events}
    assert "line_not_understood" not in kinds and "split_cell_not_joined" not in kinds
    assert "income_difference" not in kinds  # 28,036,202.00 = 28,036,202.00 + 0.00 + 0.00
    split = next(e for e in parsed.events if e.kind == "split_cell_joined")
    assert "'数量、质量、时效、成' (line 50) + '本方面的指标' (line 54)" in split.detail


def test_split_projects_rules():
    assert split_projects("甲、乙及丙；丁，戊。") == ["甲", "乙及丙", "丁", "戊"]
    assert split_projects(None) == [] and split_projects("") == []


def test_document_without_indicator_table_is_rejected():
    text = "### 某区部门整体绩效目标（2023）年\n项目概况\t部门名称：某部门\n".encode()
    with pytest.raises(ParseError, match="no indicator table"):
        parse_document(text, "x.txt")


def test_income_unit_and_difference_are_reported():
    text = (
        "### 某区部门整体绩效目标（2024）年\n"
        "项目概况\t部门名称：某部门\n"
        "本年度部门预算收入\t总额(万元)：10.00\n\t财政拨款收入(万元)：9.00\n\t其他收入(万元)：0.50\n"
        "\t一级指标\t二级指标\t三级指标\t指标解释\t指标说明及公式\t本年度预期指标\t计算单位\n"
        "\t产出指标\t数量指标\t培训人次\t参加培训的人次\t\t≥100\t人次\n"
    ).encode()
    parsed = parse_document(text, "y.txt")
    p = parsed.department_targets.profile
    assert p.income_total_yuan == Decimal("100000.00")
    assert {e.kind for e in parsed.events} >= {"income_converted_to_yuan", "income_difference"}
    (row,) = parsed.department_targets.indicators
    assert (row.level2_name, row.expected_value, row.calculation_unit, row.repairs) == ("数量指标", "≥100", "人次", [])


def test_department_expected_values_share_the_project_target_normalization():
    """预期指标 goes through parsing/targets.py:parse_target, like project targets (issue 5)."""
    from orchestration.parsing import parse_document, parse_target

    indicators = parse_document(SEED.read_bytes(), SEED.name).department_targets.indicators
    by_name = {i.indicator_name: i for i in indicators}
    first = by_name["文明社区示范点推荐数量"]
    assert (first.expected_value, first.expected_target.comparator, first.expected_target.value,
            first.expected_target.unit) == ("不少于2个", "ge", 2.0, "个")
    for indicator in indicators:
        assert indicator.expected_target == parse_target(indicator.expected_value, indicator_name=indicator.indicator_name)
