"""Rendered 绩效自评表 and target forms for the self-evaluation tests (reportlab, via :mod:`tests.national_forms`).

:func:`project_evaluation` is a 项目支出绩效自评表 in the national template's layout (项目名称 / 主管部门 / 实施单位,
项目资金（万元） with 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分, 年度总体目标 预期目标 vs 实际完成情况,
the indicator grid with 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施, 总分). Its arithmetic holds:
Σ 分值 = 10 + 30 + 20 + 20 + 20 = 100, Σ 得分 = 9 + 30 + 20 + 15 + 20 = 94 (printed), 执行率 108 / 120 = 90.00 %.
``score_over`` plants a 得分 above its 分值 (接通率 25 of 20: Σ 得分 99 ≠ 94 printed), ``weight_of_satisfaction``
another 分值 for 群众满意度 (15: Σ 分值 95 ≠ 100).

:func:`project_targets` is the same project's 项目支出绩效目标申报表 (the published targets), with 热线知晓率, which
the evaluation does not evaluate, and without 群众满意度, which it does.
"""

from __future__ import annotations

from tests.national_forms import C, Form

DEPARTMENT = "宁德市人民政府办公室"
PROJECT = "政务热线运行维护"


def project_evaluation(score_over: bool = False, weight_of_satisfaction: str = "20") -> Form:
    """The rendered 项目支出绩效自评表 (module docstring); faults planted on request."""
    return Form(
        name="project-self-evaluation", columns=8,
        above=["项目支出绩效自评表", "（2024年度）"],
        rows=[
            [C("项目名称", 2), C(PROJECT, 6)],
            [C("主管部门", 2), C(DEPARTMENT, 2), C("实施单位", 2), C("宁德市12345便民服务中心", 2)],
            [C("项目资金（万元）", 2), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("分值"), C("执行率"), C("得分")],
            [C("年度资金总额", 2), C("100.00"), C("120.00"), C("108.00"), C("10"), C("90.00%"), C("9")],
            [C("其中：当年财政拨款", 2), C("100.00"), C("120.00"), C("108.00"), C("—"), C("90.00%"), C("—")],
            [C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 3)],
            [C("保障政务热线全天运行，及时受理和办结群众诉求", 4), C("热线全天运行，工单办结率略低于目标", 3)],
            [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"), C("分值"), C("得分"),
             C("偏差原因分析及改进措施")],
            [C("产出指标", 1, 3), C("数量指标", 1, 2), C("受理来电数量"), C("≥10万件"), C("12.3万件"), C("30"),
             C("30"), C("")],
            [C("“接通率”"), C("≥95%"), C("96.5%"), C("20"), C("25" if score_over else "20"), C("")],
            [C("时效指标"), C("工单按时办结率"), C("≥98%"), C("97%"), C("20"), C("15"), C("部分工单超期，加强督办")],
            [C("满意度指标"), C("服务对象满意度指标"), C("群众满意度"), C("≥90%"), C("93%"), C(weight_of_satisfaction),
             C("20"), C("")],
            [C("总分", 5), C("100"), C("94"), C("")],
        ],
    )


def project_targets() -> Form:
    """The published 项目支出绩效目标申报表 of the same project and year (module docstring)."""
    std = "计划标准"
    return Form(
        name="project-targets", columns=6,
        above=[f"{DEPARTMENT}2024年{PROJECT}项目支出绩效目标申报表"],
        rows=[
            [C("单位:万元", 6)],
            [C("项目支出名称"), C(PROJECT, 2), C("预算部门"), C(DEPARTMENT, 2)],
            [C("年度本级 预算金额"), C("100", 2), C("该项目支出上级资金"), C("0", 2)],
            [C("本年度绩效目标"), C("保障政务热线全天运行，及时受理和办结群众诉求", 5)],
            [C("本年度 绩效指标", 1, 5), C("一级指标"), C("二级指标"), C("三级指标"), C("指标值及单位"), C("绩效标准")],
            [C("产出指标", 1, 3), C("数量指标", 1, 2), C("受理来电数量"), C("≥10万件"), C(std)],
            [C("接通率"), C("≥95%"), C(std)],
            [C("时效指标"), C("工单按时办结率"), C("≥98%"), C(std)],
            [C("效益指标"), C("社会效益指标"), C("热线知晓率"), C("≥80%"), C(std)],
        ],
    )


def department_targets() -> Form:
    """宁德市人民政府办公室's published 部门整体支出绩效目标申报表 of 2024 in the national grid (the layout of
    :data:`tests.national_forms.DEPARTMENT_GRID`): 电梯维保次数 and 转办准确率 are self-evaluated on the real 自评表,
    12345平台座席满意率 is too but the 自评表 prints it as 度12345平台座席满意率 (its 二级 cell's last character
    overflows into it), and 公文办理数量 is not evaluated."""
    from tests.national_forms import GRID_HEADER_2026, STD

    items = [
        ("产出指标", "数量指标", "电梯维保次数", "≥", "24", "次", "反映电梯维保情况", STD),
        ("产出指标", "数量指标", "公文办理数量", "≥", "3000", "件", "反映公文办理情况", STD),
        ("产出指标", "质量指标", "转办准确率", "≥", "95", "%", "反映转办质量", STD),
        ("满意度指标", "服务对象满意度指标", "12345平台座席满意率", "≥", "95", "%", "", STD),
    ]
    rows = [
        [C("部门(单位) 名称"), C(DEPARTMENT, 4), C("填报人"), C("（略）", 2)],
        [C("部门总体 资金情况 单位:万元", 1, 2), C("收入构成"), C("财政拨款"), C("9209.55", 2), C("其他资金"), C("")],
        [C("支出构成"), C("基本支出"), C("3843.67", 2), C("项目支出"), C("5365.88")],
        [C(t) for t in GRID_HEADER_2026],
    ]
    previous = None
    for k, item in enumerate(items):
        span = sum(1 for other in items[k:] if other[0] == item[0]) if item[0] != previous else 0
        rows.append(([C(item[0], 1, span)] if span else []) + [C(t) for t in item[1:]])
        previous = item[0]
    return Form(name="department-targets", columns=8, above=["2024年度部门整体支出绩效目标申报表"], rows=rows)
