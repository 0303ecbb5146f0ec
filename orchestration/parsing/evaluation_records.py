"""Records of a 绩效自评表 (performance self-evaluation): the contract with the warehouse writer.

One :class:`SelfEvaluation` per evaluated project or department (``raw.evaluation_summaries``), its
funding rows (:class:`EvaluationFunding`, ``raw.evaluation_funding``) and its indicators with target and
outcome (:class:`IndicatorOutcome`, ``raw.indicator_outcomes``). Read by
:mod:`.readers.self_evaluation` from the cell grid of a table (PDF: page + bbox).

Amounts are ``Decimal`` exactly as printed, in the ``unit`` the table states (``万元`` / ``元``; ``None`` when
it states none: the 宁德 部门整体绩效自评表 prints no unit); rates (执行率, 结余率) are percentages as
printed (``88.75`` = 88.75 %); 分值 / 得分 are points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .targets import TargetValue


@dataclass
class SelfEvaluation:
    """One self-evaluation: a whole 自评表, or one row of a list of project scores (项目名称 | 自评分数).

    - ``evaluation_no``: 1-based in the document; ``table_no``: the table it was read from;
    - ``scope``: ``department`` (部门整体 / 单位整体 in the title) or ``project``;
    - ``form``: ``evaluation_table`` (a 自评表 with its blocks) or ``score_list`` (a list of project scores);
    - ``project_name`` (项目名称 / 专项名称), ``unit_name`` (部门（单位）名称 / 主管部门 / 实施单位), ``unit_code``
      (部门预算编码);
    - funds of the table's total row (合计 / 年度资金总额), ``unit`` as stated: ``budget_initial`` 年初预算数,
      ``budget_full`` 全年预算数 (小计 ③ = ①+②), ``executed`` 全年执行数 (年度拨付金额), ``execution_rate``
      执行率 (%), ``funding_weight`` / ``funding_score`` the 分值 / 得分 of the funds;
    - ``goal_text`` 总体目标（预期目标）, ``actual_text`` 实际完成情况;
    - ``total_weight_printed`` / ``total_score_printed``: the 总分 row as printed (the arithmetic decides which
      of the two a single printed number is); ``total_weight`` / ``total_score``: Σ 分值 / Σ 得分 of the funds and
      indicators read; ``grade`` 评价等级 as printed;
    - provenance: ``first_page`` / ``last_page`` and the table's (or the list row's) bbox.
    """

    evaluation_no: int
    table_no: int
    scope: str
    form: str
    title: str | None
    project_name: str | None = None
    unit_name: str | None = None
    unit_code: str | None = None
    unit: str | None = None
    budget_initial: Decimal | None = None
    budget_full: Decimal | None = None
    executed: Decimal | None = None
    execution_rate: Decimal | None = None
    funding_weight: Decimal | None = None
    funding_score: Decimal | None = None
    goal_text: str | None = None
    actual_text: str | None = None
    total_weight: Decimal | None = None
    total_score: Decimal | None = None
    total_weight_printed: Decimal | None = None
    total_score_printed: Decimal | None = None
    grade: str | None = None
    indicator_count: int = 0
    first_page: int = 0
    last_page: int = 0
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None


@dataclass
class EvaluationFunding:
    """One funding row of a self-evaluation (合计, 财政资金小计, 当年财政拨款, 上年结转资金, 其他资金 …).

    ``row_label`` as printed (NFKC, no white space); amounts in the evaluation's ``unit``; ``execution_rate`` and
    ``balance_rate`` in % as printed; ``weight`` / ``score`` (分值 / 得分) where the row prints them.
    """

    evaluation_no: int
    row_no: int
    row_label: str
    budget_initial: Decimal | None = None
    adjustment: Decimal | None = None
    budget_full: Decimal | None = None
    executed: Decimal | None = None
    execution_rate: Decimal | None = None
    balance: Decimal | None = None
    balance_rate: Decimal | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    source_page: int = 0
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None


@dataclass
class IndicatorOutcome:
    """One indicator of a self-evaluation: the target (年度指标值) beside the outcome (实际完成值).

    - ``level1_name`` / ``level2_name`` / ``indicator_name`` (一级 / 二级 / 三级指标) as printed (a merged cell's
      text on every row it spans); ``level1_code`` / ``level2_code`` from the taxonomy when the name is known;
    - ``target_text`` / ``outcome_text`` as printed; ``target`` / ``outcome`` normalised by
      :func:`.targets.parse_target` (an outcome printed as a bare number is in its target's unit:
      :func:`.outcomes.parse_outcome`, ``outcome_unit_from_target``);
    - ``weight`` 分值, ``score`` 得分 (points); ``deviation_text`` 偏差原因分析及改进措施;
    - ``status``: ``met`` | ``not_met`` | ``not_comparable`` (:func:`.outcomes.outcome_status`, the one rule).
    """

    evaluation_no: int
    indicator_no: int
    level1_code: str | None
    level1_name: str | None
    level2_code: str | None
    level2_name: str | None
    indicator_name: str | None
    target_text: str | None
    outcome_text: str | None
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation_text: str | None = None
    status: str = "not_comparable"
    outcome_unit_from_target: bool = False
    source_page: int = 0
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    target: TargetValue | None = field(default=None, metadata={"flatten": TargetValue})
    outcome: TargetValue | None = field(default=None, metadata={"flatten": TargetValue})


@dataclass
class EvaluationSet:
    """What a document's self-evaluation tables gave: evaluations, their funding rows and indicators."""

    evaluations: list[SelfEvaluation] = field(default_factory=list)
    funding: list[EvaluationFunding] = field(default_factory=list)
    indicators: list[IndicatorOutcome] = field(default_factory=list)
