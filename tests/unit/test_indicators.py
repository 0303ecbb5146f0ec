"""One 绩效指标 cell → indicator records (real snippets of the seeds)."""

from orchestration.parsing.indicators import parse_indicator_cell
from orchestration.parsing.text_common import JoinedText, SourceLine, normalise_spaces


def _cell(text: str, first_line: int = 1) -> JoinedText:
    """A cell from wrapped text: one SourceLine per line of ``text``, numbered from ``first_line``."""
    return JoinedText([SourceLine(first_line + i, line) for i, line in enumerate(text.split("\n"))])


def _fields(indicator):
    return (
        indicator.seq,
        indicator.seq_as_written,
        indicator.level1_code,
        indicator.level1_name,
        indicator.level2_code,
        indicator.level2_name,
        indicator.indicator_name,
        indicator.period_target,
        indicator.annual_target,
        indicator.renumbered,
        indicator.source_line,
    )


def test_wraps_inside_labels_and_item_numbers():
    # seed 000 lines 201-223 (blank lines removed): "3" / "、1-产出指标" and "。7、" wraps
    text = (
        "1、1-产出指标；11-数量指标；文化活动场次；实施周期指标值:不少\n"
        "于3场次；年度指标值:不少于3场次。2、1-产出指标；11-数量指标；\n"
        "资金支付合规率；实施周期指标值:标准：100% ；年度指标值:100%。3\n"
        "、1-产出指标；13-时效指标；资金使用及时性；实施周期指标值:及\n"
        "时；年度指标值:及时。4、1-产出指标；13-时效指标；资金支出进度\n"
        "（%）；实施周期指标值:90%以上；年度指标值:90%以上。5、2-效益指\n"
        "标；22-社会效益；提升社会文明程度；实施周期指标值:提升；年度指\n"
        "标值:提升。6、2-效益指标；22-社会效益；营造良好的社会氛围；实\n"
        "施周期指标值:营造良好的社会氛围；年度指标值:营造良好的社会氛围\n"
        "。7、3-满意度指标；31-服务对象满意度；春节环境布置及春节系列文\n"
        "化活动经费；实施周期指标值:群众满意度90%以上；年度指标值:90%以\n"
        "上。"
    )
    indicators, events = parse_indicator_cell(_cell(text, first_line=201), 9, "春节环境布置及春节系列文化活动经费")

    assert [_fields(i) for i in indicators] == [
        (1, 1, "1", "产出指标", "11", "数量指标", "文化活动场次", "不少于3场次", "不少于3场次", False, 201),
        (2, 2, "1", "产出指标", "11", "数量指标", "资金支付合规率", "标准：100%", "100%", False, 202),
        (3, 3, "1", "产出指标", "13", "时效指标", "资金使用及时性", "及时", "及时", False, 203),
        (4, 4, "1", "产出指标", "13", "时效指标", "资金支出进度（%）", "90%以上", "90%以上", False, 205),
        (5, 5, "2", "效益指标", "22", "社会效益", "提升社会文明程度", "提升", "提升", False, 206),
        (6, 6, "2", "效益指标", "22", "社会效益", "营造良好的社会氛围", "营造良好的社会氛围", "营造良好的社会氛围",
         False, 208),
        (7, 7, "3", "满意度指标", "31", "服务对象满意度", "春节环境布置及春节系列文化活动经费", "群众满意度90%以上",
         "90%以上", False, 210),
    ]
    assert {i.line_no for i in indicators} == {9}
    assert events == []


def test_missing_colon_double_semicolon_and_full_width_comparators():
    # seed 003 line 29 (no colon), seed 001 lines 853-857 (；；), seed 000 lines 771-773 (＞=)
    cell = _cell(
        "1、1-产出指标；11-数量指标；举办活动数量；实施周期指标值≥8个；年度指标值:≥8个。"
        "2、1-产出指标；12-\n"
        "质量指标；报纸和刊物差错率均达到相关出版要求；；实施周期指标\n"
        "值:报纸和刊物差错率均达到相关出版要求；年度指标值:报纸和刊物差\n"
        "错率均达到相关出版要求。3、1-产出指标；11-数量指标；举办爱国主义教育主题宣传活动数量；\n"
        "实施周期指标值:＞=1次；年度指标值:＞=1次。"
    )
    indicators, _ = parse_indicator_cell(cell, 1, "p")

    assert [(i.indicator_name, i.period_target, i.annual_target) for i in indicators] == [
        ("举办活动数量", "≥8个", "≥8个"),
        ("报纸和刊物差错率均达到相关出版要求", "报纸和刊物差错率均达到相关出版要求", "报纸和刊物差错率均达到相关出版要求"),
        ("举办爱国主义教育主题宣传活动数量", "＞=1次", "＞=1次"),
    ]


def test_justification_spaces_are_removed_real_spaces_kept():
    # seed 000 lines 627-631: "实施周期指标值:  " / "标椎:100%"; seed 001 lines 566-569: "效 " / "益 。"
    cell = _cell(
        "3、1-产出指标；12-质量指标；编外人员年度考核完成率；实施周期指标值:  \n"
        "标椎:100%；年度指标值:100%。\n"
        "1、2-效益指标；22-社会效益；项目完成情况；实施周期指标值:圆满\n"
        "完成2022年对口帮扶、支援合作工作；年度指标值:取得良好的社会效\n"
        "益 。"
    )
    indicators, events = parse_indicator_cell(cell, 21, "机构运行辅助经费")

    assert [(i.seq, i.seq_as_written, i.renumbered) for i in indicators] == [(1, 3, True), (2, 1, True)]
    assert indicators[0].period_target == "标椎:100%"
    assert indicators[1].annual_target == "取得良好的社会效益"
    assert indicators[0].raw_text == "3、1-产出指标；12-质量指标；编外人员年度考核完成率；实施周期指标值:标椎:100%；年度指标值:100%。"
    assert [e.kind for e in events] == ["indicator_renumbered", "indicator_renumbered"]
    assert normalise_spaces("读懂广州 共建家园") == "读懂广州 共建家园"
    assert normalise_spaces("思想 and 总书记") == "思想 and 总书记"
    assert normalise_spaces("达到 2.4万人次") == "达到2.4万人次"
    assert normalise_spaces("创新创业 ，激发") == "创新创业，激发"


def test_an_item_that_cannot_be_split_is_kept_raw():
    # seed 002 style row text has no numbered items; a numbered item without
    # level codes or labels (shape not seen in the seeds) keeps its raw text
    cell = _cell("1、1-产出指标；只有名称没有指标值。2、2-效益指标；22-社会效益；满意；年度指标值:90%。")
    indicators, _ = parse_indicator_cell(cell, 4, "p")

    assert [_fields(i)[:9] for i in indicators] == [
        (1, 1, "1", "产出指标", None, None, "只有名称没有指标值", None, None),
        (2, 2, "2", "效益指标", "22", "社会效益", "满意", None, "90%"),
    ]
    assert indicators[0].raw_text == "1、1-产出指标；只有名称没有指标值。"


def test_item_number_glued_to_the_previous_value():
    # shape not seen in the seeds: the value before "2、" ends in digits and has no 。
    cell = _cell("1、1-产出指标；11-数量指标；聘用人员数；实施周期指标值:1；年度指标值:12、1-产出指标；13-时效指标；"
                 "每月各项费用及时发放；实施周期指标值:控制数；年度指标值:控制数。")
    indicators, _ = parse_indicator_cell(cell, 34, "p")

    assert [(i.seq_as_written, i.annual_target) for i in indicators] == [(1, "1"), (2, "控制数")]


def test_other_departments_spelling_dot_full_width_dash_and_commas():
    # the spelling of other Guangzhou 2026 files: ``.`` after the number, ``－``, commas between the parts
    text = (
        "1.1－产出指标，11－数量指标，培训场次，实施周期指标值：≥4场，年度指标值：≥4场。"
        "2.4－成本指标，41－经济成本指标，人均培训成本，实施周期指标值：≦500元/人，年度指标值：≦500元/人。"
    )
    indicators, events = parse_indicator_cell(_cell(text), line_no=3, project_label="p")
    assert [_fields(i)[:9] for i in indicators] == [
        (1, 1, "1", "产出指标", "11", "数量指标", "培训场次", "≥4场", "≥4场"),
        (2, 2, "4", "成本指标", "41", "经济成本指标", "人均培训成本", "≦500元/人", "≦500元/人"),
    ]
    assert events == []


def test_decimal_in_a_value_does_not_start_an_item():
    text = "1、1-产出指标；12-质量指标；可用率；实施周期指标值:≥99.5%；年度指标值:1.2-1.5万元。"
    indicators, _ = parse_indicator_cell(_cell(text), line_no=1, project_label="p")
    assert len(indicators) == 1
    assert indicators[0].annual_target == "1.2-1.5万元"


def test_category_code_spaced_out_by_justification():
    # 广州市政务服务和数据管理局 2026 项目支出绩效目标表 p2 (real PDF text): the level-2 code and name of a
    # justified line come spaced out; the code is 41 and the name 经济成本指标
    text = (
        "4、4-成本指标；4  1  -  经    济 成本指标；诉讼费用；实施周期指标值:≤《广东省律师服务收费标准》建议律师费；"
        "年度指标值:≤《广东省律师服务收费标准》建议律师费。"
    )
    indicators, _ = parse_indicator_cell(_cell(text), line_no=1, project_label="p")
    ind = indicators[0]
    assert (ind.seq_as_written, ind.level1_code, ind.level2_code, ind.level2_name, ind.indicator_name) == (
        4, "4", "41", "经济成本指标", "诉讼费用")
