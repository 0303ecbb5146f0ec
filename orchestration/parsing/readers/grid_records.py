"""Records of the national grid templates: budget lines, indicators and department targets from the read forms.

:mod:`.grid_targets` reads the rows of a grid into :class:`Form` objects (facts of
the label–value block, indicator dicts); this module turns them into records
(rules in the docstring of :mod:`.grid_targets`: amounts in 万元 on budget lines,
元 on department income; targets composed with 指标性质 / 指标值类型 and 度量单位;
weights, direction, standard; codes by the column a category name is printed in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..department_records import (
    DepartmentIndicator,
    DepartmentTargets,
    DepartmentTargetsProfile,
    DepartmentTask,
    department_indicator_codes,
)
from ..formats.grid import GridCell
from ..records import BudgetLine, ParsedDocument, ParseEvent, PerformanceIndicator
from ..targets import TargetValue, parse_target
from .grid_categories import category_codes

#: Value of ``PerformanceIndicator.template`` for indicators read here.
TEMPLATE = "national_grid"

_CODE_PREFIX = re.compile(r"^(\d{3,})\s*[-－—]\s*(\S.*)$")
_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(\.\d+)?$")
_COMPARATOR_SYMBOL = re.compile(r"^(≥|≤|=|＝|>|<|＞|＜|>=|<=|大于等于|小于等于|等于|大于|小于)$")


@dataclass
class Form:
    """One form being read: facts of its label–value block (field → text, with the value's cell), its
    indicator rows (dicts of the typed columns' texts: ``l1``, ``l2``, ``name``, ``value``, ``operator``,
    ``unit``, ``weight``, ``direction``, ``standard``, ``explanation`` …, the anchor ``cell`` and ``raw``
    text) and, on a department form, its tasks."""

    facts: dict[str, str] = field(default_factory=dict)
    fact_cells: dict[str, GridCell] = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    title: str | None = None
    page: int | None = None


def department_unknown(what: str) -> ParseEvent:
    """The finding for a document that names no department anywhere: loaded with department NULL."""
    return ParseEvent("department_unknown", "the document names no department: no 主管部门 / 预算部门 / 部门名称 / "
                      "单位名称 / 预算单位 label, no department row of a grid and no 实施单位 to read it from; "
                      f"loaded with the department unknown ({what} read)")


def _compose_target(value: str | None, operator: str, unit: str) -> str | None:
    """The text given to parse_target: the value with the template's 指标性质 and 度量单位 where it lacks them."""
    if not value:
        return None
    text = value
    if unit and not text.endswith(unit) and _NUMBER.match(text.replace(" ", "")):
        text = text + unit
    op = operator.replace(" ", "")
    if op and _COMPARATOR_SYMBOL.match(op) and not re.match(r"^[≥≤=＝><＞＜]", text):
        text = op + text
    return text


_MONTH_PERIOD = re.compile(r"^((?:19|20)\d{2})[.\-/年](\d{1,2})月?\s*[-~～至到—]\s*((?:19|20)\d{2})[.\-/年](\d{1,2})月?$")


def target_of(text: str | None, indicator_name: str | None) -> TargetValue:
    """:func:`parse_target` of a composed target text, except a period of months (``2023.07-2024.01``,
    a 时效指标's 实施期), which is a date range ending in its last month (``deadline`` ``2024-01``),
    not the numbers 2023.07 to 2024.01."""
    match = _MONTH_PERIOD.match((text or "").replace(" ", ""))
    if match and 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(4)) <= 12:
        return TargetValue(comparator="range", dimension="date", deadline=f"{match.group(3)}-{int(match.group(4)):02d}",
                           matched_text=text, is_quantitative=True)
    return parse_target(text, indicator_name=indicator_name)


def _direction(text: str) -> str | None:
    if "反向" in text:
        return "negative"
    if "正向" in text:
        return "positive"
    return None


def _amount(text: str, unit: str, where: str, events: list[ParseEvent], page) -> Decimal | None:
    """An amount cell in 万元: 元 divided by 10,000, ``250万`` read as 250 万元; not a number → event, ``None``."""
    raw = (text or "").strip()
    if not raw:
        return None
    own_unit = unit
    match = re.fullmatch(r"([-+]?\d[\d,，]*(?:\.\d+)?)\s*(万元|万|元)?", raw)
    if not match:
        events.append(ParseEvent("amount_cell_not_a_number", f"{where}: {raw!r} is not an amount; kept empty",
                                 source_page=page))
        return None
    if match.group(2):
        own_unit = "元" if match.group(2) == "元" else "万元"
    try:
        value = Decimal(match.group(1).replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    return value / Decimal(10000) if own_unit == "元" else value


def strip_code(name: str | None) -> str | None:
    """``'820001-井研县马踏镇人民政府'`` → ``'井研县马踏镇人民政府'`` (the budget system's unit code)."""
    if not name:
        return name
    match = _CODE_PREFIX.match(name.strip())
    return match.group(2) if match else name.strip()


def _indicator_codes(l1: str | None, l2: str | None, where: str, events: list[ParseEvent], page):
    code1, code2 = category_codes(l1, l2)
    for level, name, code in (("一级", l1, code1), ("二级", l2, code2)):
        if name and code is None:
            events.append(ParseEvent("indicator_category_unknown",
                                     f"{where}: {level}指标 {name!r} is not a category of the taxonomy; kept as printed, no code",
                                     source_page=page))
    return code1, code2


def project_records(forms: list[Form], unit: str, events: list[ParseEvent],
                    multi: bool) -> tuple[list[BudgetLine], list[PerformanceIndicator]]:
    """Budget lines (万元: 合计, one per spending unit, one per project) and indicators of the project forms.

    ``unit`` is the table's amount unit (``'万元'`` or ``'元'``, divided by 10,000); findings
    (derived totals, weights not adding up to 100, unknown categories …) are appended to ``events``.
    A 合计 the document does not print is the sum of its units, or of its projects when no unit is named.
    """
    budget_lines: list[BudgetLine] = []
    indicators: list[PerformanceIndicator] = []
    line_no = 0
    dept_total = forms[0].facts.get("department_total") if forms else None
    if dept_total:
        line_no += 1
        budget_lines.append(BudgetLine(line_no, "department_total", None, None,
                                       amount_total=_amount(dept_total, unit, "department total", events, None),
                                       amount_columns_rule="national_grid_labels"))
    current_unit = None
    for form in forms:
        facts = form.facts
        project = facts.get("project_name")
        if not project and not form.indicators:
            continue
        unit_name = strip_code(facts.get("implementing_unit") or facts.get("department")) or None
        cell = form.fact_cells.get("project_name")
        page = cell.page if cell is not None else form.page
        if unit_name != current_unit:
            line_no += 1
            budget_lines.append(BudgetLine(line_no, "spending_unit", unit_name, None, source_page=page))
            current_unit = unit_name
        line_no += 1
        where = f"project {project!r}"
        total = _amount(facts.get("total", ""), unit, where + " 预算数", events, page)
        own = _amount(facts.get("own_level_funds", ""), unit, where + " 本级资金", events, page)
        superior = _amount(facts.get("superior_funds", ""), unit, where + " 上级资金", events, page)
        if total is None and (own is not None or superior is not None):
            total = (own or Decimal(0)) + (superior or Decimal(0))
            events.append(ParseEvent("amount_total_derived", f"{where}: no 资金总额; total = 本级 {own} + 上级 {superior} 万元",
                                     source_page=page))
        goal = facts.get("annual_goal") or facts.get("period_goal")
        line = BudgetLine(line_no, "project", unit_name, project, amount_total=total,
                          amount_fiscal_appropriation=_amount(facts.get("fiscal", ""), unit, where + " 财政拨款", events, page),
                          amount_other=_amount(facts.get("other", ""), unit, where + " 其他资金", events, page),
                          amount_columns_rule="national_grid_labels", goal_text=goal or None, source_page=page)
        budget_lines.append(line)
        for label in ("period", "project_attribute", "basis", "period_goal", "superior_funds", "own_level_funds", "review"):
            if facts.get(label):
                events.append(ParseEvent("form_fact", f"{where}: {label} = {facts[label][:300]}", source_page=page))
        weights = []
        inferred: list[str] = []
        for seq, item in enumerate(form.indicators, start=1):
            ind_page = item["cell"].page
            code1, code2 = _indicator_codes(item["l1"], item["l2"], where, events, ind_page)
            annual_text = _compose_target(item["value"], item["operator"], item["unit"])
            period_text = _compose_target(item["period_value"], item["operator"], item["unit"])
            weight = _weight(item["weight"], where, events, ind_page)
            if weight is not None:
                weights.append(weight)
            bbox = item["cell"].bbox if item["cell"].address is None else (None, None, None, None)
            indicators.append(PerformanceIndicator(
                line_no=line_no, seq=seq, seq_as_written=None, level1_code=code1, level1_name=item["l1"],
                level2_code=code2, level2_name=item["l2"], indicator_name=item["name"],
                period_target=item["period_value"] or None, annual_target=item["value"],
                raw_text=item["raw"], source_page=ind_page,
                bbox_x0=bbox[0], bbox_top=bbox[1], bbox_x1=bbox[2], bbox_bottom=bbox[3],
                template=TEMPLATE, operator=item["operator"] or None, measure_unit=item["unit"] or None,
                weight=weight, direction=_direction(item["direction"]), standard=item["standard"] or None,
                source_address=item["cell"].address,
                period=target_of(period_text, item["name"]),
                annual=target_of(annual_text, item["name"]),
            ))
            if item["inferred"]:
                inferred.append(f"{seq} {item['l2']}→{item['l1']}")
        if inferred:
            events.append(ParseEvent("indicator_level1_inferred",
                                     f"{where}: no 三级指标 column, the level cells hold 二级 names; 一级指标 from the "
                                     f"taxonomy for {len(inferred)} indicator(s): {', '.join(inferred)}"[:600],
                                     source_page=page))
        if weights and sum(weights) != 100:
            events.append(ParseEvent("weights_not_100", f"{where}: weights add up to {sum(weights):g}, not 100: "
                                     + " + ".join(f"{w:g}" for w in weights), source_page=page))
    _unit_totals(budget_lines, events)
    if budget_lines and budget_lines[0].line_type != "department_total":
        # the form prints no 合计 of the document: the sum of its units, like the 合计 row of the Guangzhou form
        # (of its projects when no unit is named)
        part = "spending_unit" if any(b.line_type == "spending_unit" for b in budget_lines) else "project"
        total = BudgetLine(0, "department_total", None, None,
                           amount_columns_rule="sum_of_units" if part == "spending_unit" else "sum_of_projects")
        for line in budget_lines:
            if line.line_type == part:
                for name in ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other"):
                    value = getattr(line, name)
                    if value is not None:
                        setattr(total, name, (getattr(total, name) or Decimal(0)) + value)
        budget_lines.insert(0, total)
        for n, line in enumerate(budget_lines, start=1):
            line.line_no = n
        for indicator in indicators:
            indicator.line_no += 1
        parts = sum(b.line_type == part for b in budget_lines)
        named = "unit(s)" if part == "spending_unit" else "project(s) (no unit is named)"
        events.append(ParseEvent("department_total_derived", f"the document prints no 合计 of its projects; total "
                                 f"{total.amount_total} 万元 is the sum of its {parts} {named}"))
    return budget_lines, indicators


def _unit_totals(budget_lines: list[BudgetLine], events: list[ParseEvent]) -> None:
    """The templates print no subtotal per 单位: a spending-unit line's amounts are the sums of its projects'
    (``None`` stays ``None`` where no project has the amount), with one ``unit_total_derived`` event per unit."""
    current = None
    for line in budget_lines:
        if line.line_type == "spending_unit":
            current = line
            line.amount_columns_rule = "sum_of_projects"
        elif line.line_type == "project" and current is not None:
            for name in ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other"):
                value = getattr(line, name)
                if value is not None:
                    setattr(current, name, (getattr(current, name) or Decimal(0)) + value)
    for line in budget_lines:
        if line.line_type == "spending_unit" and line.amount_total is not None:
            events.append(ParseEvent("unit_total_derived", f"spending unit {line.spending_unit!r}: the form prints no "
                                     f"subtotal; total {line.amount_total} 万元 is the sum of its projects",
                                     source_page=line.source_page))
    if not any(line.spending_unit for line in budget_lines if line.line_type == "project"):
        events.append(ParseEvent("spending_unit_not_stated", "no 实施单位 / 预算部门 / 主管部门 / 单位名称 label names the "
                                 "unit of the projects; spending_unit left empty"))


def _weight(text: str, where: str, events: list[ParseEvent], page) -> float | None:
    raw = (text or "").strip().rstrip("%分")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        events.append(ParseEvent("weight_not_a_number", f"{where}: 权重 {text!r} is not a number; kept empty",
                                 source_page=page))
        return None


def department_document(forms: list[Form], title, unit: str, events: list[ParseEvent],
                         unit_stated: bool = True) -> ParsedDocument:
    """部门整体 / 单位整体 form → ``department_targets`` records (task 0 = the whole department).

    Amounts in **元**: every amount the form prints in 万元 (its ``unit``) is converted once, ×10,000
    (``amount_unit_printed`` keeps the unit printed; ``None`` when the form states none): income
    (总额 / 合计, 财政拨款, 其他资金), the budget split (基本支出 / 项目支出, 财政专项资金 / 其他事业发展性支出,
    本级使用资金 / 对下转移支付资金) and each task's 拟投入的资金. A form printing no total gets
    Σ income sources as ``income_total_yuan`` (``income_total_derived`` event). The amounts are then
    checked against each other (:func:`check_department_budget`). Indicators carry taxonomy codes,
    the 二级 deciding the 一级 (:func:`department_indicator_codes`).
    """
    facts: dict[str, str] = {}
    for form in forms:
        for k, v in form.facts.items():
            facts.setdefault(k, v)
    department = strip_code(facts.get("department"))
    if department is None:
        events.append(department_unknown("the department-wide form"))

    def yuan(name: str) -> Decimal | None:
        value = _amount(facts.get(name, ""), unit, f"department {name}", events, None)
        return None if value is None else value * Decimal(10000)

    profile = DepartmentTargetsProfile(
        department=department, fiscal_year=None, function_summary=facts.get("function_summary") or None,
        income_total_yuan=yuan("total"), income_fiscal_appropriation_yuan=yuan("fiscal"),
        income_other_yuan=yuan("other"), overall_goal=facts.get("annual_goal") or None,
        filler_named=any(e.kind == "form_footer" and ("填报人 filled in" in e.detail or "填表人 filled in" in e.detail)
                         for e in events),
        contact_phone_given=any(e.kind == "form_footer" and "联系电话 filled in" in e.detail for e in events),
        expenditure_basic_yuan=yuan("expenditure_basic"), expenditure_project_yuan=yuan("expenditure_project"),
        development_special_funds_yuan=yuan("development_special_funds"), development_other_yuan=yuan("development_other"),
        own_level_use_yuan=yuan("own_level_use"), transfer_to_lower_levels_yuan=yuan("transfer_to_lower_levels"),
        amount_unit_printed=unit if unit_stated else None,
    )
    sources = [profile.income_fiscal_appropriation_yuan, profile.income_special_account_yuan, profile.income_other_yuan]
    if profile.income_total_yuan is None and any(x is not None for x in sources):
        profile.income_total_yuan = sum((x for x in sources if x is not None), Decimal(0))
        events.append(ParseEvent("income_total_derived", f"the form prints no 合计 of its income: total "
                                 f"{_wan(profile.income_total_yuan)} 万元 is the sum of its sources (财政拨款, 其他资金)"))
    tasks = []
    for n, task in enumerate((t for f in forms for t in f.tasks), start=1):
        amount = _amount(task.get("amount", ""), unit, f"task {n} 拟投入的资金", events, task.get("page"))
        tasks.append(DepartmentTask(task_no=n, task_name=task.get("name") or None, goal_text=task.get("goal") or None,
                                    content_text=task.get("content") or None,
                                    amount_yuan=None if amount is None else amount * Decimal(10000)))
    if facts.get("other_tasks"):
        tasks.append(DepartmentTask(task_no=len(tasks) + 1, task_name="其他需完成的任务", goal_text=None,
                                    content_text=facts["other_tasks"]))
    indicators = []
    weights: list[float] = []
    for seq, item in enumerate((i for f in forms for i in f.indicators), start=1):
        text = _compose_target(item["value"], item["operator"], item["unit"])
        weight = _weight(item["weight"], "department", events, item["cell"].page)
        if weight is not None:
            weights.append(weight)
        indicators.append(DepartmentIndicator(
            task_no=0, seq=seq, level1_name=item["l1"], level2_name=item["l2"], indicator_name=item["name"],
            expected_value=item["value"], calculation_unit=item["unit"] or None, raw_row=item["raw"],
            explanation=item["explanation"] or None,
            source_page=item["cell"].page, weight=weight, direction=_direction(item["direction"]),
            standard=item["standard"] or None, period_value=item["period_value"] or None,
            expected_target=target_of(text, item["name"])))
    department_indicator_codes(indicators, events)
    if weights and sum(weights) != 100:
        events.append(ParseEvent("weights_not_100", f"department: weights add up to {sum(weights):g}, not 100: "
                                 + " + ".join(f"{w:g}" for w in weights), source_page=indicators[0].source_page))
    events.extend(check_department_budget(profile, tasks))
    return ParsedDocument(doc_type="department_targets", layout="national_department_form", title=title,
                          department=department, fiscal_year=None, events=events,
                          department_targets=DepartmentTargets(profile=profile, tasks=tasks, indicators=indicators))


def check_department_budget(profile: DepartmentTargetsProfile, tasks: list[DepartmentTask]) -> list[ParseEvent]:
    """The identities of a department-wide form's amounts, each a ParseEvent (元 compared to the cent).

    The budget is one sum seen three ways: 基本支出 + 项目支出 (by kind of spending) = Σ income sources
    (财政拨款 + 财政专户 + 其他资金, or the 总额 printed) = 本级使用资金 + 对下转移支付资金 (by budget level).
    Every pair whose both sides are printed is compared: equal → one ``department_budget_checked`` event
    listing what was checked and the sum of the tasks' 拟投入的资金 (no identity binds that sum: the tasks
    are the year's main ones, not all spending; it is reported, and a sum above the budget is a difference);
    unequal → a ``department_budget_difference`` finding per pair, the amounts kept as printed.
    """
    def total(*values):
        return None if all(v is None for v in values) else sum((v for v in values if v is not None), Decimal(0))

    sides = [
        ("基本支出 + 项目支出", total(profile.expenditure_basic_yuan, profile.expenditure_project_yuan)),
        ("收入来源 合计",
         profile.income_total_yuan if profile.income_total_yuan is not None else total(
             profile.income_fiscal_appropriation_yuan, profile.income_special_account_yuan, profile.income_other_yuan)),
        ("本级使用资金 + 对下转移支付资金", total(profile.own_level_use_yuan, profile.transfer_to_lower_levels_yuan)),
    ]
    present = [(name, value) for name, value in sides if value is not None]
    events: list[ParseEvent] = []
    checked: list[str] = []
    for (name_a, a), (name_b, b) in zip(present, present[1:]):
        if a == b:
            checked.append(f"{name_a} = {name_b} = {_wan(a)} 万元")
        else:
            events.append(ParseEvent("department_budget_difference",
                                     f"{name_a} {_wan(a)} 万元 ≠ {name_b} {_wan(b)} 万元 (difference {_wan(a - b)}); "
                                     "kept as printed"))
    task_sum = total(*(t.amount_yuan for t in tasks))
    budget = present[0][1] if present else None
    if task_sum is not None:
        note = f"Σ 年度重点工作任务 拟投入的资金 {_wan(task_sum)} 万元 ({sum(t.amount_yuan is not None for t in tasks)} tasks)"
        if budget is not None and task_sum > budget:
            events.append(ParseEvent("department_budget_difference", f"{note} > the budget {_wan(budget)} 万元"))
        else:
            checked.append(note + (f" ≤ the budget {_wan(budget)} 万元" if budget is not None else ""))
    if checked:
        events.append(ParseEvent("department_budget_checked", "; ".join(checked)))
    return events


def _wan(yuan: Decimal) -> str:
    """元 → 万元 for messages: ``'98,880.78'``, ``'968.1918'`` (at least two decimals, no digit lost)."""
    whole, fraction = f"{yuan / Decimal(10000):,.6f}".split(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
