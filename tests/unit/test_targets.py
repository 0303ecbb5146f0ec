"""parse_target: every rule on values copied verbatim from the seeds.

Values are quoted exactly as they stand in warehouse/samples/00[0134]*.txt
(实施周期指标值 / 年度指标值). Where the seeds have no instance of a rule that
the issue asks for (lt, range, 不满, 以内 …), the test says so and uses a
constructed value.
"""

from __future__ import annotations

import dataclasses

import pytest

from orchestration.parsing.records import PerformanceIndicator
from orchestration.parsing.targets import (
    COMPARATORS,
    DIMENSIONS,
    QUALITATIVE_CLASSES,
    TargetValue,
    parse_target,
)
from orchestration.ingestion.loading import record_columns


def q(text, **kw) -> TargetValue:
    t = parse_target(text, **kw)
    assert t.is_quantitative, (text, t)
    return t


def c(text, **kw) -> TargetValue:
    t = parse_target(text, **kw)
    assert not t.is_quantitative and t.comparator == "none" and t.value is None, (text, t)
    return t


# ------------------------------------------------------------------ comparators (seed values)


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("不少于4场", "ge", 4, "场"),
        ("不低于35个小时", "ge", 35, "个小时"),
        ("至少2次", "ge", 2, "次"),
        ("大于等于90%", "ge", 90, "%"),
        ("≥90%", "ge", 90, "%"),
        (">=90%", "ge", 90, "%"),
        ("＞=1次", "ge", 1, "次"),  # full-width ＞ folded by NFKC
        ("90%以上", "ge", 90, "%"),  # 以上 includes the number (民法典 第1259条)
        ("75%及以上", "ge", 75, "%"),
        ("10万人次以上", "ge", 10, "万人次"),
        ("全网用户数量达到5万户", "ge", 5, "万户"),  # 达到 → ge
        ("行业党委考核合格率达100%", "ge", 100, "%"),  # 达 → ge
        ("超过11万人次", "gt", 11, "万人次"),  # 超过 excludes the number
        ("超50亿元", "gt", 50, "亿元"),
        ("多于6件", "gt", 6, "件"),
        ("覆盖率高于93%", "gt", 93, "%"),
        ("大于90%", "gt", 90, "%"),
        (">90%", "gt", 90, "%"),
        ("＞85分", "gt", 85, "分"),
        ("保证20多个新媒体平台正常运营更新", "gt", 20, "个"),  # 20多个
        ("<=3s", "le", 3, "s"),
        ("小于等于24小时", "le", 24, "小时"),
        ("2小时内人员到位应对突发新闻", "le", 2, "小时"),  # 内 after a duration
        ("1个季度内", "le", 1, "个季度"),
        ("平均每人次下载成本控制在3元/人次以下，单位平均推广成本低于行业平均水平", "le", 3, "元/人次"),
        ("100%", "eq", 100, "%"),
        ("365期", "eq", 365, "期"),
        ("平均办结时间为1个工作日", "eq", 1, "个工作日"),
        ("邀请我区青年代表约10人参加论坛交流活动", "approx", 10, "人"),
        ("实现对我区约1.5万份干部人事档案的规范管理和高效利用", "approx", 1.5, "万份"),
        ("不低于7000", "ge", 7000, None),
        ("20", "eq", 20, None),
    ],
)
def test_comparator_value_unit_on_seed_values(text, comparator, value, unit):
    t = q(text)
    assert (t.comparator, t.value, t.unit) == (comparator, value, unit)


def test_every_comparator_word_of_the_issue():
    """The issue's list of comparator words and symbols, each before a seed-like '5个'."""
    expected = {
        "不少于": "ge", "不低于": "ge", "至少": "ge", "大于等于": "ge", "超过": "gt", "多于": "gt", "高于": "gt",
        "不超过": "le", "不高于": "le", "小于等于": "le", "低于": "lt", "达到": "ge", "约": "approx",
        "≥": "ge", "＞=": "ge", ">=": "ge", ">": "gt", "＞": "gt", "≤": "le", "<=": "le", "<": "lt", "＜": "lt",
        "不满": "lt", "不足": "lt", "少于": "lt", "大于": "gt", "小于": "lt",
    }
    for word, comparator in expected.items():
        assert q(f"{word}5个").comparator == comparator, word
    for suffix, comparator in {"以上": "ge", "及以上": "ge", "以下": "le", "及以下": "le", "以内": "le", "左右": "approx"}.items():
        assert q(f"5个{suffix}").comparator == comparator, suffix


def test_legal_reading_of_inclusive_and_exclusive_words():
    """以上/以下/以内 include the number; 超过/不满 exclude it (民法典 第1259条). Constructed: the
    seeds have no 不满 or 以内."""
    assert q("95%以上").comparator == "ge"
    assert q("不满18人").comparator == "lt"
    assert q("3个工作日以内").comparator == "le"
    assert q("30人以下").comparator == "le"
    assert q("超过200天").comparator == "gt"


def test_ranges_constructed():
    """No range in the seeds: X-Y, X~Y, X至Y, with the unit after either number."""
    for text in ("10-20个", "10～20个", "10至20个", "10个至20个"):
        t = q(text)
        assert (t.comparator, t.value, t.value_upper, t.unit_normalized) == ("range", 10, 20, "个"), text
    t = q("85%-90%")
    assert (t.comparator, t.value, t.value_upper, t.dimension) == ("range", 85, 90, "percent")


def test_full_width_digits_and_percent():
    t = q("≥９０％")
    assert (t.comparator, t.value, t.unit_normalized) == ("ge", 90, "percent")


# ------------------------------------------------------------------ units, dimensions, scale


@pytest.mark.parametrize(
    ("text", "unit_normalized", "dimension", "scale"),
    [
        ("10万人次以上", "人次", "count", 1e4),
        ("不低于3500万次", "次", "count", 1e4),
        ("大于等于2000万人", "人", "count", 1e4),
        ("超50亿元", "元", "money", 1e8),
        ("21万", None, "number", 1e4),  # a bare scale is not a unit
        ("不少于1.5万小时", "hour", "duration", 1e4),
        ("1025.85平方米", "平方米", "area", 1),
        ("≥10000平方米", "平方米", "area", 1),
        ("12个月", "month", "duration", 1),
        ("1年", "year", "duration", 1),
        ("不少于10天", "day", "duration", 1),
        ("小于等于30分钟", "minute", "duration", 1),
        ("平均每人课时超过20个学时", "class_hour", "duration", 1),
        ("<=3s", "second", "duration", 1),
        ("用户综合满意度评分不低于80分", "point", "score", 1),
        ("不少于3场次", "场", "count", 1),  # 场次 → 场
        ("不少于800期/年", "期/年", "count", 1),
        ("完成600条/年新闻视频拍摄制作任务", "条/年", "count", 1),
        ("≥90", None, "number", 1),
    ],
)
def test_units_dimensions_and_scale_on_seed_values(text, unit_normalized, dimension, scale):
    t = q(text)
    assert (t.unit_normalized, t.dimension, t.scale_factor) == (unit_normalized, dimension, scale)


@pytest.mark.parametrize(
    ("text", "comparator", "deadline"),
    [
        ("2023年12月底前完成在每个行政村每月放映一场电影", "le", "2023-12-31"),
        ("3月底前举办全区党员教育电视片业务培训班", "le", "--03-31"),
        ("7月31日前举办全区党员教育电视片观摩交流活动", "le", "--07-31"),
        ("2024年内完成登报宣传", "le", "2024-12-31"),
        ("2023年内播出", "le", "2023-12-31"),
    ],
)
def test_dates_are_deadlines(text, comparator, deadline):
    t = q(text)
    assert (t.comparator, t.dimension, t.deadline, t.value) == (comparator, "date", deadline, None)


def test_years_anniversaries_and_codes_are_not_targets():
    assert q("2024年文书档案整理、数字化扫描工作完成率100%").value == 100  # not 2024
    assert q("信息内容平均阅读量较2023年增加5%").value == 5
    assert c("开展纪念中国共产党成立103周年系列庆祝活动").qualitative_class == "activity_statement"
    assert c("做好12380举报受理、处置工作").qualitative_class == "activity_statement"
    assert c("完成2023年绩效考核工作，开展2024年绩效考核工作").qualitative_class == "completion"
    # 10万+ qualifies the products; the target is 不少于5条
    t = q("推出一系列爆款新媒体产品，10万+拳头产品数不少于5条")
    assert (t.comparator, t.value, t.unit) == ("ge", 5, "条")


def test_chinese_numerals_only_after_a_comparator_or_frequency_word():
    t = q("每季度一册，全年精选一册")
    assert (t.value, t.unit, t.has_multiple_values) == (1, "册", True)
    assert q("至少一部").value == 1  # constructed
    assert not parse_target("录用一批优秀人才，及时加强我区公务员队伍，不断优化我区公务员队伍结构，提升公务员的整体素质").is_quantitative


# ------------------------------------------------------------------ flags


def test_relative_change_flag():
    t = q("提升5%")
    assert (t.comparator, t.value, t.is_relative_change, t.is_vague) == ("eq", 5, True, False)
    t = q("关注人数持续上涨，上一年度增长2.5万人")
    assert (t.value, t.scale_factor, t.is_relative_change) == (2.5, 1e4, True)


def test_multiple_values_keep_the_first():
    t = q("全网大于等于99.9%且单站大于等于96%")
    assert (t.comparator, t.value, t.has_multiple_values) == ("ge", 99.9, True)
    t = q("形式审核时限为5个工作日；实质审核时限为7个工作日，资金拨付时限为5+4个工作日")
    assert (t.value, t.unit_normalized, t.has_multiple_values) == (5, "working_day", True)


def test_extra_text_flag():
    assert q("“学习强国”学习平台供稿不低于80篇").has_extra_text
    assert q("资金按时拨付，及时率100%").has_extra_text
    assert not q("全年不少于3100条").has_extra_text  # 全年/累计 are not extra text
    assert not q("累计超5000万次").has_extra_text
    assert not q("100%").has_extra_text


@pytest.mark.parametrize("text", ["标准：100%", "标椎:100%"])
def test_label_prefix_is_dropped(text):
    t = q(text)
    assert (t.comparator, t.value, t.has_extra_text) == ("eq", 100, False)


@pytest.mark.parametrize("text", ["控制数", "标准：控制数", "标准:年度计划数"])
def test_control_figure(text):
    t = c(text)
    assert (t.qualitative_class, t.is_control_figure) == ("control_figure", True)


@pytest.mark.parametrize(("text", "cls"), [(None, "missing"), ("", "missing"), ("  ", "missing"), ("保密项目", "classified"), ("/", "placeholder")])
def test_placeholders(text, cls):
    t = c(text)
    assert (t.qualitative_class, t.is_placeholder) == (cls, True)


@pytest.mark.parametrize(
    "text",
    [
        "参加民意测评感到满意人数÷调查总人数*100%",
        "（已完成年度计划的对口地区/对口帮扶、支援、合作工作地区数）*100%",
        "及时有效把控、引导的突发事件、重大舆情数量占总数量的百分比",
    ],
)
def test_formula_is_a_non_answer(text):
    t = c(text)
    assert (t.qualitative_class, t.is_non_answer) == ("formula", True)


def test_metric_name_is_a_non_answer():
    for text in ("放映场次数量", "群众满意度", "粉丝数", "调查问卷", "监测发现舆情线索的时效性", "网络舆论总体态势情况"):
        t = c(text)
        assert (t.qualitative_class, t.is_non_answer) == ("metric_name", True), text
    # exact echo of the indicator's own name (seed 000, 34 times): a non-answer that keeps its class
    t = c("营造良好的社会氛围", indicator_name="营造良好的社会氛围")
    assert (t.qualitative_class, t.is_non_answer, t.is_vague) == ("social_effect", True, True)
    assert not c("营造良好的社会氛围").is_non_answer


def test_sentence_is_a_non_answer_but_a_short_word_is_not():
    assert c("党员群众观看党员教育电视片，进一步坚定理想信念").is_non_answer
    assert not c("合规").is_non_answer
    assert not c("资金按时拨付").is_non_answer


# ------------------------------------------------------------------ qualitative classes (seed values)


@pytest.mark.parametrize(
    ("text", "cls", "vague"),
    [
        ("合规", "compliance", False),
        ("满足合同需求", "compliance", False),
        ("标准:按规定支付", "compliance", False),
        ("达标", "compliance", False),
        ("及时", "timeliness", False),
        ("资金按时拨付", "timeliness", False),
        ("满意", "satisfaction", False),
        ("党员群众对村班子的满意度有所提高", "satisfaction", True),
        ("全覆盖", "full_coverage", False),
        ("覆盖全体租赁岗位合同工", "full_coverage", False),
        ("提升", "improvement", True),
        ("有效提升", "improvement", True),
        ("有所提升", "improvement", True),
        ("进一步提升两新组织党建工作水平", "improvement", True),
        ("无", "no_incident", False),
        ("无安全事故发生", "no_incident", False),
        ("事业单位登记管理事项“零投诉”", "no_incident", False),
        ("不超预算", "within_budget", False),
        ("预算内", "within_budget", False),
        ("完成", "completion", False),
        ("顺利通过考核", "completion", False),
        ("确保各项工作正常高效运行", "normal_operation", False),
        ("区级以上", "scope_level", False),
        ("境外", "scope_level", False),
        ("是", "affirmative", False),
        ("良好", "affirmative", False),
        ("营造良好的社会氛围", "social_effect", True),
        ("可持续发展", "social_effect", False),
        ("做好党员教育管理工作", "activity_statement", False),
        ("按实际到村选调生人数补助", "as_actual", False),
    ],
)
def test_qualitative_classes_on_seed_values(text, cls, vague):
    t = c(text)
    assert (t.qualitative_class, t.is_vague) == (cls, vague)
    assert t.qualitative_class in QUALITATIVE_CLASSES


def test_activity_statement_is_a_non_answer():
    assert c("做好党员教育管理工作").is_non_answer


# ------------------------------------------------------------------ contract


def test_never_raises_and_always_names_something():
    for text in ("", "???", "１２", "—", "abc", "5+", "10万+", "0.5-", "第二季", "2024年", "12月"):
        t = parse_target(text)
        assert t.comparator in COMPARATORS
        assert t.is_quantitative == (t.comparator != "none")
        if t.is_quantitative:
            assert t.dimension in DIMENSIONS and t.qualitative_class is None
        else:
            assert t.qualitative_class in QUALITATIVE_CLASSES


def test_indicator_record_carries_both_targets():
    ind = PerformanceIndicator(
        line_no=1, seq=1, seq_as_written=1, level1_code="1", level1_name="产出指标", level2_code="11",
        level2_name="数量指标", indicator_name="文化活动场次", period_target="不少于4场", annual_target="标准：控制数",
    )
    assert (ind.period.comparator, ind.period.value, ind.annual.qualitative_class) == ("ge", 4, "control_figure")


def test_raw_tables_have_a_column_for_every_flattened_field(tmp_path):
    """connect() gives every record column (flattened targets included) a raw column."""
    from orchestration.parsing.department_records import DepartmentIndicator
    from orchestration.ingestion.loading import connect

    columns = record_columns(PerformanceIndicator)
    for name in (f.name for f in dataclasses.fields(TargetValue)):
        assert f"period_{name}" in columns and f"annual_{name}" in columns
        assert f"expected_target_{name}" in record_columns(DepartmentIndicator)
    with connect(tmp_path / "w.duckdb") as con:
        for table, record_type in (("performance_indicators", PerformanceIndicator), ("department_indicators", DepartmentIndicator)):
            existing = {r[0] for r in con.execute(f"DESCRIBE raw.{table}").fetchall()}
            assert set(record_columns(record_type)) <= existing, table
