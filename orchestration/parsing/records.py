"""Typed records produced by the pure parsers.

These dataclasses are the contract between parsing (bytes in, records out, no
Dagster imports) and the warehouse writer (``orchestration/ingestion/loading.py``),
which maps them 1:1 onto the DuckDB raw tables ``raw.documents``,
``raw.budget_lines``, ``raw.performance_indicators`` and
``raw.parse_events``.

Units: every amount is a ``decimal.Decimal`` in 万元 (10,000 CNY) exactly as
published, two decimals; ``None`` means the cell is empty in the source (an
empty cell is *not* zero).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .department_records import DepartmentTargets
    from .disclosure_records import Disclosure
    from .evaluation_records import EvaluationSet

from .targets import TargetValue, parse_target

PARSER_VERSION = "0.2.0"  # 0.2.0: normalized targets (period_*/annual_* columns)

DocType = Literal["project_targets", "department_targets", "budget_disclosure", "budget_narrative"]
LineType = Literal["department_total", "spending_unit", "project"]

#: Names of the four amount columns of 项目支出绩效目标表, in table order.
AMOUNT_FIELDS: tuple[str, ...] = (
    "amount_total",  # 总计 / 合计
    "amount_fiscal_appropriation",  # 财政拨款
    "amount_special_account",  # 财政专户拨款
    "amount_other",  # 其他资金
)


class ParseError(ValueError):
    """A document cannot be parsed into records.

    The message is written for a person: it says what is wrong with the file
    and what they can do about it. The orchestration layer quarantines the
    document with this message as the reason.
    """


@dataclass
class ParseEvent:
    """One decision or repair the parser made, kept for audit.

    ``kind`` is a stable machine-readable code, e.g. ``page_break_duplicate_removed``,
    ``amount_columns_decided``, ``indicator_renumbered``, ``reconciliation_difference``.
    ``source_line`` is the 1-based line number in the text extract (or ``None``),
    ``detail`` a human-readable sentence.
    """

    kind: str
    detail: str
    source_line: int | None = None
    source_page: int | None = None


@dataclass
class BudgetLine:
    """One row of the 项目支出绩效目标表 hierarchy.

    - ``line_no``: 1-based position of the row in the document after
      de-duplication (document order: total, unit, its projects, next unit…).
    - ``line_type``: ``department_total`` (合计), ``spending_unit``
      (资金使用单位 subtotal row) or ``project``.
    - ``spending_unit``: name of the unit (``None`` on the total row).
    - ``project_name``: only on project rows.
    - amounts: 万元, ``Decimal`` or ``None`` for an empty cell.
    - ``amount_columns_rule``: how amounts were assigned to columns:
      ``tab_positions`` (TSV cells), ``pdf_cells`` (PDF cell positions), ``all_columns`` (four numbers),
      ``total_and_fiscal`` (two equal numbers), ``reconciled`` (decided by
      sub-totals), ``default`` (ambiguous, default rule, an event records it).
    - ``goal_text``: 绩效目标 with wrapped lines joined (no inserted spaces).
    - provenance: ``source_line`` (text) or ``source_page`` + bbox (PDF, points,
      pdfplumber's top-left origin).
    """

    line_no: int
    line_type: LineType
    spending_unit: str | None
    project_name: str | None
    amount_total: Decimal | None = None
    amount_fiscal_appropriation: Decimal | None = None
    amount_special_account: Decimal | None = None
    amount_other: Decimal | None = None
    amount_columns_rule: str | None = None
    goal_text: str | None = None
    source_line: int | None = None
    source_page: int | None = None
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None


@dataclass
class PerformanceIndicator:
    """One numbered indicator of a project (绩效指标 cell).

    Source form: ``1、1-产出指标；11-数量指标；文化活动场次；实施周期指标值:不少于4场；年度指标值:不少于4场。``

    - ``line_no``: the ``BudgetLine.line_no`` of the project it belongs to.
    - ``seq``: 1-based position within the project after renumbering;
      ``seq_as_written`` the number printed in the source; ``renumbered`` is
      True when they differ (numbering restarted inside the cell).
    - ``level1_code``/``level2_code``: as written ('1', '11'); names without code.
    - ``period_target`` (实施周期指标值) / ``annual_target`` (年度指标值): raw text,
      trailing 。 removed, ``None`` only when the source has no value at all.
    - ``raw_text``: the whole indicator as it stood in the source (joined).
    - ``period`` / ``annual``: the targets normalized by
      :func:`.targets.parse_target` (computed here when not given, so every
      parser gets them). The writer flattens them into ``period_<field>`` /
      ``annual_<field>`` columns (fields marked with ``metadata["flatten"]``).
    """

    line_no: int
    seq: int
    seq_as_written: int | None
    level1_code: str | None
    level1_name: str | None
    level2_code: str | None
    level2_name: str | None
    indicator_name: str | None
    period_target: str | None
    annual_target: str | None
    renumbered: bool = False
    raw_text: str = ""
    source_line: int | None = None
    source_page: int | None = None
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    #: Which family of forms the indicator was read from: ``guangzhou_cell`` (the 项目支出绩效目标表 whose
    #: 绩效指标 cell lists numbered indicators) or ``national_grid`` (one row per indicator in the national
    #: templates, :mod:`.readers.grid_targets`).
    template: str = "guangzhou_cell"
    #: 指标性质 as printed (``≥``, ``≤``, ``=``, ``定性``); national grid only.
    operator: str | None = None
    #: 度量单位 / 计量单位 as printed (``%``, ``个``, ``人/年``); national grid only.
    measure_unit: str | None = None
    #: 权重 / 分值 (points out of 100 per project); national grid only.
    weight: float | None = None
    #: 指标方向性: ``positive`` (正向, higher is better) or ``negative`` (反向); national grid only.
    direction: str | None = None
    #: 绩效标准 as printed (计划标准, 历史标准, 行业标准 …); national grid only.
    standard: str | None = None
    #: Cell address outside PDF (``'Sheet1!I7'``, ``'table 1 row 9 col 4'``); PDF uses page + bbox.
    source_address: str | None = None
    period: TargetValue | None = field(default=None, metadata={"flatten": TargetValue})
    annual: TargetValue | None = field(default=None, metadata={"flatten": TargetValue})

    def __post_init__(self) -> None:
        if self.period is None:
            self.period = parse_target(self.period_target, indicator_name=self.indicator_name)
        if self.annual is None:
            self.annual = parse_target(self.annual_target, indicator_name=self.indicator_name)


@dataclass
class ParsedDocument:
    """Everything parsed out of one input file.

    ``layout`` names the source layout: ``line_flow`` (seeds 000/004),
    ``rows_then_indicators`` (001), ``tab_separated`` (003),
    ``department_targets_tsv`` (002), ``pdf_table`` (PDF path).
    ``fiscal_year`` is ``None`` where no evidence states it;
    ``fiscal_year_source`` says where it was read (title, cover, 编制说明,
    file_name: :func:`.text_common.fiscal_year_with_source`).
    ``department_targets`` holds the profile, tasks and indicators of a
    部门整体绩效目标 (``doc_type == 'department_targets'``), else ``None``.
    ``disclosure`` holds the table inventory and standard-table rows of a
    部门预算 / 部门决算 (``doc_type == 'budget_disclosure'``, layout ``pdf_bundle``;
    see :mod:`.spine`), or of a prose-only one (``doc_type == 'budget_narrative'``, layout
    ``pdf_narrative``: narrative pages and the headline figures they state), else ``None``.
    ``char_counts`` holds the character conservation counts of the
    项目支出绩效目标表 PDF reader, one ``(page, region, in_cells, reported)``
    per page of its table (:mod:`.readers.project_targets_pdf`, step 10): non-space
    characters in the table's region, in its cells' text, and reported in
    parse events; empty for other inputs. ``column_char_counts`` holds
    the same per column, one ``(page, label, region, in_cells, reported)``
    per column of each page (``label`` the column's header label as
    printed): the characters whose centre lies in the column's band, those
    read into its cells and those reported.
    """

    doc_type: DocType
    layout: str
    title: str | None
    department: str | None
    fiscal_year: int | None
    page_count: int | None = None
    fiscal_year_source: str | None = None
    budget_lines: list[BudgetLine] = field(default_factory=list)
    indicators: list[PerformanceIndicator] = field(default_factory=list)
    events: list[ParseEvent] = field(default_factory=list)
    department_targets: DepartmentTargets | None = None
    disclosure: Disclosure | None = None
    char_counts: list[tuple[int, int, int, int]] = field(default_factory=list)
    column_char_counts: list[tuple[int, str, int, int, int]] = field(default_factory=list)
    #: 绩效自评表 read from the document's tables (:mod:`.readers.self_evaluation`), else ``None``.
    evaluations: EvaluationSet | None = None

    @property
    def spending_unit_count(self) -> int:
        """Number of 资金使用单位 rows."""
        return sum(1 for b in self.budget_lines if b.line_type == "spending_unit")

    @property
    def project_count(self) -> int:
        """Number of project rows."""
        return sum(1 for b in self.budget_lines if b.line_type == "project")

    @property
    def total_amount(self) -> Decimal | None:
        """合计 总计 in 万元 (the department_total row), or ``None``."""
        for b in self.budget_lines:
            if b.line_type == "department_total":
                return b.amount_total
        return None


#: What the raw tables can hold: amounts are DECIMAL(18, 2) (万元, or 元 for
#: department income) and counts/positions are INTEGER (32 bits).
STORED_DECIMALS = 2
MAX_STORED_AMOUNT = Decimal(10) ** (18 - STORED_DECIMALS)  # exclusive: 9,999,999,999,999,999.99 is the largest
MAX_STORED_INTEGER = 2**31 - 1


def check_storable(parsed: ParsedDocument) -> list[ParseEvent]:
    """Fit every record of ``parsed`` to the raw column types; return one event per rounded amount.

    An amount with more than two decimals (``150.005``) is rounded half-up to
    two, as it is stored, and an ``amount_rounded`` event keeps the printed
    value. Raises :class:`ParseError` naming the row, the field and the value
    when an amount is 1e16 or more (DECIMAL(18,2) cannot hold it) or a number
    is outside 32-bit INTEGER (an indicator numbered ``99999999999、``): a
    misprint to fix in the source, never a value to truncate silently.
    """
    records: list = [*parsed.budget_lines, *parsed.indicators]
    targets = parsed.department_targets
    if targets is not None:
        records += [targets.profile, *targets.tasks, *targets.indicators]
    events: list[ParseEvent] = []
    for record in records:
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if isinstance(value, bool) or value is None:
                continue
            where = _record_position(record)
            if isinstance(value, int) and not -MAX_STORED_INTEGER - 1 <= value <= MAX_STORED_INTEGER:
                raise ParseError(
                    f"{where}: {f.name} is {value}, beyond the largest number the warehouse stores "
                    f"({MAX_STORED_INTEGER:,}); the number is misprinted: correct it in the source and submit again."
                )
            if isinstance(value, Decimal):
                if abs(value) >= MAX_STORED_AMOUNT:
                    raise ParseError(
                        f"{where}: {f.name} is {value:,}, too large to be a budget amount (the warehouse stores "
                        f"less than {MAX_STORED_AMOUNT:,.0f}); the amount is misprinted: correct it in the source "
                        "and submit again."
                    )
                rounded = value.quantize(Decimal(1).scaleb(-STORED_DECIMALS), rounding=ROUND_HALF_UP)
                if rounded != value:
                    setattr(record, f.name, rounded)
                    events.append(ParseEvent(
                        "amount_rounded",
                        f"{where}: {f.name} printed as {value} has more than {STORED_DECIMALS} decimals; stored as "
                        f"{rounded} (rounded half-up)",
                        getattr(record, "source_line", None), getattr(record, "source_page", None)))
    return events


def _record_position(record) -> str:
    """``'row at line 12'`` / ``'row on page 3'`` / ``'PerformanceIndicator'``: where a record came from."""
    kind = type(record).__name__
    if getattr(record, "source_line", None) is not None:
        return f"{kind} at line {record.source_line}"
    if getattr(record, "source_page", None) is not None:
        return f"{kind} on page {record.source_page}"
    return kind
