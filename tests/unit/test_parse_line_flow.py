"""line_flow layout (seeds 000, 004): real excerpts, exact records."""

from decimal import Decimal

from orchestration.parsing import BudgetLine, parse_document

D = Decimal

# Seed 000, lines 1-47: header, 合计, a unit whose name wraps over two lines
# with its amounts on a third, one project whose name wraps over three lines.
SEED_000_HEAD = r"""
项目支出绩效目标表（含转移支付项目）
部门名称：中国共产党广州市番禺区委员会宣传部 单位：万元

项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标

合计 2,541.82 2,541.82

中国共产党广州市番禺区委员会

宣传部
91.14 91.14

    行政村（社区）综合性文化

服务中心管理工作专项经费（石

碁镇）

17.67 17.67

推进做好我区行政村（社区）综合性文化服务中心的

建设和管理工作，落实解决行政村（社区）综合性文

化服务中心的管理工作经费，用于管理人员和设施维

护在内的管理活动等。

1、1-产出指标；11-数量指标；文化活动场次；实施周期指标值:不少

于4场；年度指标值:不少于4场。2、1-产出指标；11-数量指标；每周

开放时间；实施周期指标值:不低于35个小时；年度指标值:不低于35个

小时。3、1-产出指标；12-质量指标；支出合规率；实施周期指标值:

合规；年度指标值:合规。4、1-产出指标；13-时效指标；资金使用及

时性；实施周期指标值:及时；年度指标值:及时。5、2-效益指标；22-

社会效益；营造良好的社会氛围；实施周期指标值:营造良好的社会氛

围；年度指标值:营造良好的社会氛围。6、2-效益指标；22-社会效

益；行政村覆盖率；实施周期指标值:全覆盖；年度指标值:全覆盖。

"""

# Seed 000, lines 1-8 then 1454-1491: a unit that follows indicator text
# (name wrapped, amounts on their own line) and a goal text that itself
# starts with "1、" (not an indicator: no "d-…指标" after it).
SEED_000_TAIL = r"""
项目支出绩效目标表（含转移支付项目）
部门名称：中国共产党广州市番禺区委员会宣传部 单位：万元

项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标

合计 2,541.82 2,541.82

广州市番禺区网络安全和信息化

中心
117.00 117.00

    网络安全工作经费 117.00 117.00

1、与今日头条、腾讯、新浪、网易、凤凰网等以十

四五规划、番禺文化、文旅、全域旅游等主题开展网

络宣传；2、做好全区网络舆情监测，全年形成舆情

专报超过365期；3、建设番禺区外宣平台矩阵，在FB

、TW、youtube等平台建设一批账号。

1、1-产出指标；11-数量指标；举办全区网络安全应急演练次数；实施

周期指标值:1次；年度指标值:1次。2、1-产出指标；11-数量指标；涨

粉数量；实施周期指标值:外宣平台矩阵年涨粉数超过2万；年度指标

值:外宣平台矩阵年涨粉数超过2万。3、1-产出指标；11-数量指标；舆

情专报产出数量；实施周期指标值:365期；年度指标值:365期。4、1-

产出指标；12-质量指标；稿件阅读量；实施周期指标值:番禺区重大活

动全网阅读量超过500万；年度指标值:番禺区重大活动全网阅读量超过

500万。5、2-效益指标；22-社会效益；提升全区各单位网络安全事故

应对能力；实施周期指标值:能够应对网络安全事故；年度指标值:能够

应对网络安全事故。


"""

# Seed 004, lines 1-71 then 713-754: 合计 and unit with three numbers, a
# project whose indicators wrap "7" / "、2-效益指标" and whose name ends in
# "。", and the two 党费 projects printed as two equal numbers.
SEED_004_EXCERPT = r"""
中国共产党广州市番禺区委员会组织部 2024年项目支出绩效目标表（含转移支付项目）

部门名称：中国共产党广州市番禺区委员会组织部 单位：万元

项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标

合计 10,584.83 10,583.81 1.02

区委组织部本级 10,523.98 10,522.96 1.02

    培训经费 38.41 38.41

1.坚持以习近平新时代中国特色社会主义思想为指

导，主要通过坚持突出重点、统筹推进、创新方式、

拓宽渠道，切实增强各类干部培训的针对性和实效性

。

2.进一步增强全区两新书记、党务工作者培训的针对

性和实效性，广泛开展多形式、分层次、全覆盖的学

习培训。

1、1-产出指标；11-数量指标；举办公务员专题培训班；实施周期指标

值:举办12期公务员专题培训班；年度指标值:举办12期公务员专题培训

班。2、1-产出指标；11-数量指标；干部任职培训；实施周期指标值:

举办1次干部任职培训班；年度指标值:举办1次干部任职培训班。3、1-

产出指标；11-数量指标；干部调训；实施周期指标值:调训我区领导干

部参加省、市级专题培训至少1次；年度指标值:调训我区领导干部参加

省、市级专题培训至少1次。4、1-产出指标；13-时效指标；公务员初

任培训班；实施周期指标值:按时举办公务员初任培训班，全区覆盖率

100%；年度指标值:按时举办公务员初任培训班，全区覆盖率100%。5、

2-效益指标；22-社会效益；公务员专题培训班；实施周期指标值:全年

参与公务员专题培训班人次达到 2.4万人次；年度指标值:全年参与公务

员专题培训班人次达到2.4万人次。6、2-效益指标；22-社会效益；市

网络培训平台；实施周期指标值:要求全区干部参加市网络培训平台必

修课1次；年度指标值:要求全区干部参加市网络培训平台必修课 1次。7

、2-效益指标；22-社会效益；打造高水平两新组织书记队伍。；实施

周期指标值:打造高水平两新组织书记队伍。；年度指标值:打造高水平

两新组织书记队伍。8、2-效益指标；24-可持续影响；资金使用合理规

范，提高资金使用效率。；实施周期指标值:资金使用合理规范，提高

资金使用效率。；年度指标值:资金使用合理规范，提高资金使用效率

。9、3-满意度指标；31-服务对象满意度；市系统维护；实施周期指标

值:完成全年市系统维护，保障培训系统正常运行；年度指标值:完成全

年市系统维护，保障培训系统正常运行。

    直机下拨党费 0.56 0.56
进一步加强党员教育管理工作，提高党员队伍建设质

量，保持党员队伍的先进性和纯洁性。

1、1-产出指标；11-数量指标；区直机关工委交办任务完成率；实施周

期指标值:区直机关工委交办任务完成率 95%以上；年度指标值:区直机

关工委交办任务完成率95%以上。2、1-产出指标；13-时效指标；资金

按时拨付率；实施周期指标值:资金按时拨付；年度指标值:资金按时拨

付。3、2-效益指标；22-社会效益；保障各项业务顺利进行。；实施周

期指标值:保障各项业务顺利进行；年度指标值:保障各项业务顺利进行

。4、2-效益指标；24-可持续影响；做好党员教育管理工作；实施周期

指标值:做好党员教育管理工作；年度指标值:做好党员教育管理工作。

    离退支部党费返拨 0.46 0.46
进一步加强退休党员教育管理工作 ，提高党员队伍建

设质量，保持党员队伍的先进性和纯洁性 。

1、1-产出指标；11-数量指标；区直机关工委交办任务完成率；实施周

期指标值:区直机关工委交办任务完成率 95%以上；年度指标值:区直机

关工委交办任务完成率95%以上。2、1-产出指标；13-时效指标；资金

按时拨付率；实施周期指标值:资金按时拨付；年度指标值:资金按时拨

付。3、2-效益指标；22-社会效益；保障各项业务顺利进行。；实施周

期指标值:保障各项业务顺利进行；年度指标值:保障各项业务顺利进行

。4、2-效益指标；24-可持续影响；做好党员教育管理工作；实施周期

指标值:做好党员教育管理工作；年度指标值:做好党员教育管理工作。

"""


def _indicator_tuples(doc):
    return [
        (
            i.line_no,
            i.seq,
            i.seq_as_written,
            i.level1_code,
            i.level1_name,
            i.level2_code,
            i.level2_name,
            i.indicator_name,
            i.period_target,
            i.annual_target,
            i.renumbered,
            i.source_line,
        )
        for i in doc.indicators
    ]


def _events(doc):
    return [(e.kind, e.source_line, e.detail) for e in doc.events]


def test_head_of_seed_000_gives_total_unit_and_wrapped_project():
    doc = parse_document(SEED_000_HEAD.encode("utf-8"), "000_head.txt")

    assert (doc.doc_type, doc.layout) == ("project_targets", "line_flow")
    assert doc.title == "项目支出绩效目标表（含转移支付项目）"
    assert doc.department == "中国共产党广州市番禺区委员会宣传部"
    assert doc.fiscal_year is None  # the title states no year
    unit = "中国共产党广州市番禺区委员会宣传部"
    assert doc.budget_lines == [
        BudgetLine(1, "department_total", None, None, D("2541.82"), D("2541.82"), None, None,
                   "total_and_fiscal", None, source_line=7),
        BudgetLine(2, "spending_unit", unit, None, D("91.14"), D("91.14"), None, None,
                   "total_and_fiscal", None, source_line=9),
        BudgetLine(
            3, "project", unit, "行政村（社区）综合性文化服务中心管理工作专项经费（石碁镇）",
            D("17.67"), D("17.67"), None, None, "total_and_fiscal",
            "推进做好我区行政村（社区）综合性文化服务中心的建设和管理工作，落实解决行政村（社区）"
            "综合性文化服务中心的管理工作经费，用于管理人员和设施维护在内的管理活动等。",
            source_line=14,
        ),
    ]
    assert _indicator_tuples(doc) == [
        (3, 1, 1, "1", "产出指标", "11", "数量指标", "文化活动场次", "不少于4场", "不少于4场", False, 30),
        (3, 2, 2, "1", "产出指标", "11", "数量指标", "每周开放时间", "不低于35个小时", "不低于35个小时", False, 32),
        (3, 3, 3, "1", "产出指标", "12", "质量指标", "支出合规率", "合规", "合规", False, 36),
        (3, 4, 4, "1", "产出指标", "13", "时效指标", "资金使用及时性", "及时", "及时", False, 38),
        (3, 5, 5, "2", "效益指标", "22", "社会效益", "营造良好的社会氛围", "营造良好的社会氛围",
         "营造良好的社会氛围", False, 40),
        (3, 6, 6, "2", "效益指标", "22", "社会效益", "行政村覆盖率", "全覆盖", "全覆盖", False, 44),
    ]
    assert doc.indicators[0].raw_text == (
        "1、1-产出指标；11-数量指标；文化活动场次；实施周期指标值:不少于4场；年度指标值:不少于4场。"
    )
    # The excerpt is cut, so it does not add up: reported, not forced.
    assert _events(doc) == [
        ("reconciliation_difference", 7, "合计 总计 2,541.82 != sum of spending units 91.14 (difference 2,450.68)"),
        ("reconciliation_difference", 7, "合计 财政拨款 2,541.82 != sum of spending units 91.14 (difference 2,450.68)"),
        ("reconciliation_difference", 9,
         "中国共产党广州市番禺区委员会宣传部 总计 91.14 != sum of its projects 17.67 (difference 73.47)"),
        ("reconciliation_difference", 9,
         "中国共产党广州市番禺区委员会宣传部 财政拨款 91.14 != sum of its projects 17.67 (difference 73.47)"),
    ]


def test_unit_after_indicator_text_and_goal_text_starting_with_1():
    doc = parse_document(SEED_000_TAIL.encode("utf-8"), "000_tail.txt")

    unit = "广州市番禺区网络安全和信息化中心"
    assert [(b.line_no, b.line_type, b.spending_unit, b.project_name, b.amount_total, b.source_line)
            for b in doc.budget_lines] == [
        (1, "department_total", None, None, D("2541.82"), 7),
        (2, "spending_unit", unit, None, D("117.00"), 9),
        (3, "project", unit, "网络安全工作经费", D("117.00"), 14),
    ]
    assert doc.budget_lines[2].goal_text == (
        "1、与今日头条、腾讯、新浪、网易、凤凰网等以十四五规划、番禺文化、文旅、全域旅游等主题开展网络宣传；"
        "2、做好全区网络舆情监测，全年形成舆情专报超过365期；3、建设番禺区外宣平台矩阵，在FB、TW、youtube"
        "等平台建设一批账号。"
    )
    assert [(i.seq, i.indicator_name, i.annual_target, i.source_line) for i in doc.indicators] == [
        (1, "举办全区网络安全应急演练次数", "1次", 26),
        (2, "涨粉数量", "外宣平台矩阵年涨粉数超过2万", 28),
        (3, "舆情专报产出数量", "365期", 32),
        (4, "稿件阅读量", "番禺区重大活动全网阅读量超过500万", 34),
        (5, "提升全区各单位网络安全事故应对能力", "能够应对网络安全事故", 40),
    ]
    # unit 117.00 = its single project: only the cut-off 合计 differs
    assert [e.source_line for e in doc.events if e.kind == "reconciliation_difference"] == [7, 7]


def test_three_numbers_and_party_fees_are_decided_by_the_unit_subtotal():
    doc = parse_document(SEED_004_EXCERPT.encode("utf-8"), "004_excerpt.txt")

    assert doc.title == "中国共产党广州市番禺区委员会组织部 2024年项目支出绩效目标表（含转移支付项目）"
    assert doc.department == "中国共产党广州市番禺区委员会组织部"
    assert doc.fiscal_year == 2024
    unit = "区委组织部本级"
    assert [
        (b.line_no, b.line_type, b.project_name, b.amount_total, b.amount_fiscal_appropriation,
         b.amount_special_account, b.amount_other, b.amount_columns_rule, b.source_line)
        for b in doc.budget_lines
    ] == [
        (1, "department_total", None, D("10584.83"), D("10583.81"), None, D("1.02"), "default", 8),
        (2, "spending_unit", None, D("10523.98"), D("10522.96"), None, D("1.02"), "default", 10),
        (3, "project", "培训经费", D("38.41"), D("38.41"), None, None, "total_and_fiscal", 12),
        (4, "project", "直机下拨党费", D("0.56"), None, None, D("0.56"), "reconciled", 72),
        (5, "project", "离退支部党费返拨", D("0.46"), None, None, D("0.46"), "reconciled", 93),
    ]
    assert {b.spending_unit for b in doc.budget_lines[1:]} == {unit}
    assert doc.budget_lines[2].goal_text == (
        "1.坚持以习近平新时代中国特色社会主义思想为指导，主要通过坚持突出重点、统筹推进、创新方式、拓宽渠道，"
        "切实增强各类干部培训的针对性和实效性。2.进一步增强全区两新书记、党务工作者培训的针对性和实效性，"
        "广泛开展多形式、分层次、全覆盖的学习培训。"
    )
    decided = [(e.source_line, e.detail) for e in doc.events if e.kind == "amount_columns_decided"]
    assert [line for line, _ in decided] == [8, 10, 72, 93]
    assert "default 其他资金" in decided[0][1] and "10,584.83 = 10,583.81 + 1.02" in decided[0][1]
    assert decided[2][1] == (
        "直机下拨党费: printed 0.56 0.56 read as 总计 + 其他资金 (not 财政拨款): 区委组织部本级 has 其他资金 1.02 "
        "not shown elsewhere and 直机下拨党费 0.56 + 离退支部党费返拨 0.46 is the only set of its rows that adds up to it"
    )
    # 其他资金 reconciles (0.56 + 0.46 = 1.02); the cut-off 总计/财政拨款 do not.
    assert [e.detail for e in doc.events if e.kind == "reconciliation_difference"] == [
        "合计 总计 10,584.83 != sum of spending units 10,523.98 (difference 60.85)",
        "合计 财政拨款 10,583.81 != sum of spending units 10,522.96 (difference 60.85)",
        "区委组织部本级 总计 10,523.98 != sum of its projects 39.43 (difference 10,484.55)",
        "区委组织部本级 财政拨款 10,522.96 != sum of its projects 38.41 (difference 10,484.55)",
    ]


def test_wrapped_item_number_spaces_and_name_ending_in_full_stop():
    doc = parse_document(SEED_004_EXCERPT.encode("utf-8"), "004_excerpt.txt")
    training = [i for i in doc.indicators if i.line_no == 3]

    assert len(training) == 9
    # "…达到 2.4万人次" (PDF justification space) reads like the annual value
    assert training[4].period_target == "全年参与公务员专题培训班人次达到2.4万人次"
    assert training[4].annual_target == "全年参与公务员专题培训班人次达到2.4万人次"
    # "…必修课1次。7" / "、2-效益指标；22-社会效益；打造高水平两新组织书记队伍。；实施"
    seventh = training[6]
    assert (seventh.seq, seventh.seq_as_written, seventh.source_line) == (7, 7, 54)
    assert seventh.indicator_name == "打造高水平两新组织书记队伍"
    assert seventh.period_target == seventh.annual_target == "打造高水平两新组织书记队伍"
    assert seventh.raw_text == (
        "7、2-效益指标；22-社会效益；打造高水平两新组织书记队伍。；实施周期指标值:打造高水平两新组织书记队伍。；"
        "年度指标值:打造高水平两新组织书记队伍。"
    )
    assert [(i.level1_code, i.level2_code) for i in training] == [
        ("1", "11"), ("1", "11"), ("1", "11"), ("1", "13"), ("2", "22"), ("2", "22"), ("2", "22"), ("2", "24"),
        ("3", "31"),
    ]
