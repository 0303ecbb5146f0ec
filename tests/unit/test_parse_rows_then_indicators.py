"""rows_then_indicators layout (seed 001): real excerpt, exact records."""

from decimal import Decimal

import pytest

from orchestration.parsing import ParseError, parse_document

D = Decimal

# Seed 001, lines 1-9, 302-303, 343-374, 390-422, 904-951, 997-1033:
# header and 合计; unit 广州市黄埔区融媒体中心 with 融媒体专项业务经费 printed twice
# across a page break; unit 广州市黄埔区互联网舆情信息中心 (name over two lines)
# with two projects; the page header of the indicator pages; the indicator
# blocks of 融媒体专项业务经费 (printed twice across a page break) and of the
# two 舆情 projects.
SEED_001_EXCERPT = r"""
项目支出绩效目标表（含转移支付项目）

部门名称：中共广州市黄埔区委员会宣传部（部门） 单位：万元

项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标

合计 8,777.20 8,777.20

广州市黄埔区融媒体中心 2,815.64 2,815.64

融媒体专项业务经费 353.00 353.00

建立全媒体“策、采、编、发、评”业务全流程一体

化组织架构，建设黄埔区融媒体中心新闻采编和指挥

调度平台，实现“到黄埔去”客户端、报纸刊物、“

黄埔新闻”电视、“广州黄埔发布”官方微信公众号
等平台渠道内容的融合生产和互通互用，实现“一体

策划，一次采集，多元生成，多渠道发布”的工作格

局，形成集约高效的内容生产体系和传播链条。



融媒体专项业务经费 353.00 353.00

建立全媒体“策、采、编、发、评”业务全流程一体

化组织架构，建设黄埔区融媒体中心新闻采编和指挥

调度平台，实现“到黄埔去”客户端、报纸刊物、“

黄埔新闻”电视、“广州黄埔发布”官方微信公众号
等平台渠道内容的融合生产和互通互用，实现“一体

策划，一次采集，多元生成，多渠道发布”的工作格

局，形成集约高效的内容生产体系和传播链条。

广州市黄埔区互联网舆情信息中

心
156.00 156.00

网络意识形态工作经费 60.00 60.00

落实省委、市委网信部门部署要求，落实网络意识形

态工作责任和网络安全工作责任，加强互联网社会工
作和网络安全管控，维护良好的网络舆论生态。



互联网舆情工作经费 96.00 96.00

统筹落实区委网络安全和信息化委员会工作部署，完

善舆情管理工作机制，扎实做好涉区舆情信息的监测

、研判及上报工作，牢牢掌握舆论工作主导权，全面

提高网络舆情处置成效，加强网络宣传，有效引导舆
论。     



项目支出绩效目标表（含转移支付项目）

单位：万元

绩效指标

1、2-效益指标；22-社会效益；提升宣传效应，传播正能量；实施周期

指标值:进一步提升我区的知名度和美誉度；年度指标值:进一步提升我

区的知名度和美誉度。2、1-产出指标；11-数量指标；新媒体平台推送
条数；实施周期指标值:全年发稿数超过2万条；年度指标值:全年发稿

数超过2万条。3、1-产出指标；11-数量指标；人均运营平台数量；实

施周期指标值:保证20多个新媒体平台正常运营更新；年度指标值:保证

20多个新媒体平台正常运营更新。4、1-产出指标；11-数量指标；新媒
体产品数量；实施周期指标值:推出一系列爆款新媒体产品，10万+拳头

产品数不少于5条；年度指标值:推出一系列爆款新媒体产品，10万+拳

头产品数不少于5条。5、2-效益指标；22-社会效益；点赞数、转发

数；实施周期指标值:根据社媒传播规律，做好内容运营，引发转发和
点赞，不断提升用户粘性；年度指标值:根据社媒传播规律，做好内容

运营，引发转发和点赞，不断提升用户粘性。



1、2-效益指标；22-社会效益；提升宣传效应，传播正能量；实施周期

指标值:进一步提升我区的知名度和美誉度；年度指标值:进一步提升我

区的知名度和美誉度。2、1-产出指标；11-数量指标；新媒体平台推送
条数；实施周期指标值:全年发稿数超过2万条；年度指标值:全年发稿

数超过2万条。3、1-产出指标；11-数量指标；人均运营平台数量；实

施周期指标值:保证20多个新媒体平台正常运营更新；年度指标值:保证

20多个新媒体平台正常运营更新。4、1-产出指标；11-数量指标；新媒
体产品数量；实施周期指标值:推出一系列爆款新媒体产品，10万+拳头

产品数不少于5条；年度指标值:推出一系列爆款新媒体产品，10万+拳

头产品数不少于5条。5、2-效益指标；22-社会效益；点赞数、转发

数；实施周期指标值:根据社媒传播规律，做好内容运营，引发转发和
点赞，不断提升用户粘性；年度指标值:根据社媒传播规律，做好内容

运营，引发转发和点赞，不断提升用户粘性。

1、2-效益指标；24-可持续影响；网络安全防范和应对处置能力；实施

周期指标值:区属各单位网络安全防范和应对处置能力；年度指标值:进

一步提升网络安全防范能力和应对处置能力。2、1-产出指标；13-时效

指标；网络安全漏洞监测率通报率；实施周期指标值:通报处置网络安
全漏洞的时效性；年度指标值:及时通报网络安全隐患，督促完成整改

。3、2-效益指标；22-社会效益；网络舆论环境；实施周期指标值:网

络舆论总体态势情况；年度指标值:营造良好的网络舆论环境，弘扬网

上正能量。4、1-产出指标；12-质量指标；网络意识形态工作培训量；
实施周期指标值:网络意识形态工作专题培训次数；年度指标值:开展2

次网络专题培训。



1、1-产出指标；13-时效指标；舆情监测效率；实施周期指标值:监测

发现舆情线索的时效性；年度指标值:第一时间发现通报舆情线索。2、
1-产出指标；11-数量指标；舆情产品数量；实施周期指标值:舆情日报

和舆情月报数量；年度指标值:每年编印365期舆情日报、12期舆情月报

。3、2-效益指标；22-社会效益；舆情态势；实施周期指标值:舆论态

势情况；年度指标值:营造良好的网络舆论环境，全区舆情态势平稳。4
、2-效益指标；24-可持续影响；舆情信息员能力建设；实施周期指标

值:舆情信息员工作能力水平；年度指标值:进一步提升舆情信息员队伍

能力。


"""


def _parse():
    return parse_document(SEED_001_EXCERPT.encode("utf-8"), "001_excerpt.txt")


def test_rows_units_and_projects():
    doc = _parse()

    assert (doc.doc_type, doc.layout) == ("project_targets", "rows_then_indicators")
    assert doc.department == "中共广州市黄埔区委员会宣传部"  # （部门） removed, see event below
    assert doc.fiscal_year is None
    media, opinion = "广州市黄埔区融媒体中心", "广州市黄埔区互联网舆情信息中心"
    assert [
        (b.line_no, b.line_type, b.spending_unit, b.project_name, b.amount_total, b.amount_fiscal_appropriation,
         b.amount_special_account, b.amount_other, b.amount_columns_rule, b.source_line)
        for b in doc.budget_lines
    ] == [
        (1, "department_total", None, None, D("8777.20"), D("8777.20"), None, None, "total_and_fiscal", 8),
        (2, "spending_unit", media, None, D("2815.64"), D("2815.64"), None, None, "total_and_fiscal", 10),
        (3, "project", media, "融媒体专项业务经费", D("353.00"), D("353.00"), None, None, "total_and_fiscal", 12),
        (4, "spending_unit", opinion, None, D("156.00"), D("156.00"), None, None, "total_and_fiscal", 44),
        (5, "project", opinion, "网络意识形态工作经费", D("60.00"), D("60.00"), None, None, "total_and_fiscal", 49),
        (6, "project", opinion, "互联网舆情工作经费", D("96.00"), D("96.00"), None, None, "total_and_fiscal", 58),
    ]
    assert doc.budget_lines[5].goal_text == (
        "统筹落实区委网络安全和信息化委员会工作部署，完善舆情管理工作机制，扎实做好涉区舆情信息的监测、研判及上报工作，"
        "牢牢掌握舆论工作主导权，全面提高网络舆情处置成效，加强网络宣传，有效引导舆论。"
    )


def test_indicator_blocks_follow_projects_in_order():
    doc = _parse()

    assert [(i.line_no, i.seq, i.indicator_name, i.source_line) for i in doc.indicators] == [
        (3, 1, "提升宣传效应，传播正能量", 77),
        (3, 2, "新媒体平台推送条数", 81),
        (3, 3, "人均运营平台数量", 84),
        (3, 4, "新媒体产品数量", 88),
        (3, 5, "点赞数、转发数", 93),
        (5, 1, "网络安全防范和应对处置能力", 125),
        (5, 2, "网络安全漏洞监测率通报率", 129),
        (5, 3, "网络舆论环境", 134),
        (5, 4, "网络意识形态工作培训量", 138),
        (6, 1, "舆情监测效率", 145),
        (6, 2, "舆情产品数量", 147),
        (6, 3, "舆情态势", 152),
        (6, 4, "舆情信息员能力建设", 154),
    ]
    fourth = doc.indicators[3]
    assert (fourth.level1_code, fourth.level1_name, fourth.level2_code, fourth.level2_name) == (
        "1", "产出指标", "11", "数量指标")
    assert fourth.period_target == fourth.annual_target == "推出一系列爆款新媒体产品，10万+拳头产品数不少于5条"
    assert not any(i.renumbered for i in doc.indicators)


def test_page_break_duplicates_removed_and_logged():
    doc = _parse()

    assert [(e.kind, e.source_line, e.detail) for e in doc.events if e.kind != "reconciliation_difference"] == [
        ("department_name_normalised", 4,
         "部门名称 written as '中共广州市黄埔区委员会宣传部（部门）'; the form marker （部门） was removed → "
         "'中共广州市黄埔区委员会宣传部'"),
        ("page_break_duplicate_removed", 29,
         "row at line 29 repeats the row at line 12 after a page break ('融媒体专项业务经费'); the repeat was removed"),
        ("page_break_duplicate_removed", 102,
         "indicator block at line 102 repeats the indicator block at line 77 after a page break "
         "('1、2-效益指标；22-社会效益；提升宣'); the repeat was removed"),
    ]
    # 156.00 = 60.00 + 96.00: only the units cut out of the excerpt show up
    assert [(e.source_line, e.detail) for e in doc.events if e.kind == "reconciliation_difference"] == [
        (8, "合计 总计 8,777.20 != sum of spending units 2,971.64 (difference 5,805.56)"),
        (8, "合计 财政拨款 8,777.20 != sum of spending units 2,971.64 (difference 5,805.56)"),
        (10, "广州市黄埔区融媒体中心 总计 2,815.64 != sum of its projects 353.00 (difference 2,462.64)"),
        (10, "广州市黄埔区融媒体中心 财政拨款 2,815.64 != sum of its projects 353.00 (difference 2,462.64)"),
    ]


def test_missing_indicator_block_is_an_error_not_a_guess():
    last_block = "1、1-产出指标；13-时效指标；舆情监测效率"
    cut = SEED_001_EXCERPT[: SEED_001_EXCERPT.index(last_block)]

    with pytest.raises(ParseError, match="found 2 indicator blocks .* for 3 projects"):
        parse_document(cut.encode("utf-8"), "001_cut.txt")
