"""Records of a whole 部门预算 / 部门决算 disclosure (doc_type ``budget_disclosure``).

The contract with the warehouse writer for ``raw.document_tables``
(inventory), ``raw.budget_table_rows``, ``raw.budget_table_amounts`` and
``raw.table_cells`` (the cells of tables no reader read).
Amounts are ``Decimal`` exactly as printed, in the ``unit`` the table states
(``元`` or ``万元``); conversion to 元 and 万元 happens in dbt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class InventoryEntry:
    """One table or narrative page of a document (``raw.document_tables``).

    - ``entry_no``: 1-based, in page order; ``table_no``: 1-based among the tables
      (what :class:`BudgetTableRow` refers to), ``None`` for a narrative page;
    - ``entry_type``: ``table`` | ``narrative``;
    - ``kind``: the classifier's kind (:mod:`orchestration.parsing.tables.classify`)
      or ``narrative``; ``fund_type`` for function_expenditure tables;
      ``stage``: ``budget`` | ``final_accounts`` | ``None``;
    - ``title``: the table's title (or a narrative page's first line), ``unit`` ``元``/``万元``/``None``;
    - ``first_page``/``last_page``; ``row_count`` body rows read, ``amount_count`` non-empty amount cells;
    - ``column_labels``: header labels joined top to bottom with ``/`` (``收入预算/合计``);
    - ``read``: True when a table reader read its rows.
    """

    entry_no: int
    entry_type: str
    kind: str
    title: str | None
    first_page: int
    last_page: int
    fund_type: str | None = None
    stage: str | None = None
    unit: str | None = None
    row_count: int = 0
    amount_count: int = 0
    column_labels: list[str] = field(default_factory=list)
    read: bool = False
    table_no: int | None = None
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    #: Where its text comes from: ``text_layer`` (the PDF's own text) or ``ocr`` (a scanned page read by
    #: :mod:`.formats.pdf_ocr`); ``None`` for other formats.
    text_source: str | None = None
    #: An OCR'd table's own arithmetic (:mod:`.ocr_checks`): True when its identities hold, False when one
    #: fails (held back for review), ``None`` when no identity applies or the text is no OCR.
    ocr_verified: bool | None = None


@dataclass
class BudgetTableRow:
    """One body row (of one side) of a standard table (``raw.budget_table_rows``).

    - ``table_no``: the table's ``entry_no``; ``row_no`` 1-based within the table;
      ``side_no`` 1-based (收支总表 prints income on side 1 and expenditure on side 2);
      ``side_label`` its top header label (``本年收入``, ``支出``…);
    - ``row_kind``: ``total`` for 合计/总计/小计 rows (also ``收入总计``, ``人员经费合计``), else ``item``;
    - ``code``: the function or economic class code as printed, digits only
      (``204``, ``20406``, ``2040601``; three code columns or ``204 06 01`` in the name);
      ``class_code``/``section_code``/``item_code`` its 类/款/项 parts;
    - ``name``: the row label (科目名称 / 项目), ``None`` for a row of amounts only;
    - provenance: ``source_page`` and the bbox of the row's first cell;
    - ``outline_level`` / ``outline_path``: in a class table printed with names and no codes (浙江's
      杭州), the row's level (1 = 类, 2 = 款, 3 = 项) and the names from its 类 down to it joined with
      ``/`` (``公共安全支出/司法/行政运行``), proved by the table's sums (:mod:`.readers.outline`); else ``None``;
    - ``cross_codes``: a row classified twice or more (北京's 支出总表: 支出功能分类 | 政府支出经济分类 | 部门支出经济分类
      on every row) keeps the table's own classification in ``code`` and the others here as printed
      ``'<column label> <code>'`` joined with ``'; '`` (``'支出功能分类科目 2010801; 政府支出经济分类科目 50101'``).
    """

    table_no: int
    row_no: int
    side_no: int
    side_label: str | None
    row_kind: str
    code: str | None
    class_code: str | None
    section_code: str | None
    item_code: str | None
    name: str | None
    source_page: int
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    outline_level: int | None = None
    outline_path: str | None = None
    cross_codes: str | None = None


@dataclass
class BudgetTableAmount:
    """One non-empty amount cell (``raw.budget_table_amounts``).

    ``column_label`` is the header label as printed (multi-line labels joined),
    ``column_role`` its meaning (``total``, ``basic``, ``project``,
    ``fiscal_appropriation``, ``general_public``, ``outbound_travel``… see
    :data:`orchestration.parsing.readers.budget_tables.COLUMN_ROLES`); ``column_measure``
    ``budget`` (…/预算数) or ``final`` (…/决算数) where a table prints both, else ``None``;
    ``amount`` as printed in ``unit`` (``元`` | ``万元`` | ``None`` when the table states none).
    In a “三公”经费 table (:mod:`orchestration.parsing.readers.three_public`) ``column_role`` is the
    item (column or row), ``column_measure`` may be ``prior_budget`` / ``change`` (rows per year),
    ``fund`` the fund type the cell is split by (``general_public``, ``government_fund``,
    ``state_capital``, ``all_funds``; ``None`` when the table does not split by fund) and
    ``spending_unit`` the unit a row names (one row per unit); both ``None`` in other tables.
    """

    table_no: int
    row_no: int
    side_no: int
    column_no: int
    column_label: str
    column_role: str | None
    column_measure: str | None
    amount: Decimal
    unit: str | None
    source_page: int
    fund: str | None = None
    spending_unit: str | None = None
    #: The cell read by OCR: the lowest recogniser score (0–1) of its characters; ``None`` for a text layer.
    ocr_confidence: float | None = None


@dataclass
class TableCell:
    """One non-empty cell of a table no reader read (``raw.table_cells``): the generic table store.

    A table of unknown kind, or of a kind without a reader, keeps every cell here
    so nothing of it is lost and a person can read it in the warehouse:
    ``row_no``/``column_no`` 1-based positions in the table's grid (header rows
    included; rows of continuation pages follow on), ``text`` as printed with
    wrapped lines joined, provenance ``source_page`` + bbox (points, top-left
    origin; PDF) or ``address`` (``Sheet1!B7``; Excel, Word, HTML). A merged cell
    is stored once, at the position where it starts.
    """

    table_no: int
    row_no: int
    column_no: int
    text: str
    source_page: int
    address: str | None = None
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    #: The cell read by OCR: the lowest recogniser score (0–1) of its characters; ``None`` for a text layer.
    ocr_confidence: float | None = None


@dataclass
class NarrativeFigure:
    """One headline figure stated in the prose of a disclosure (``raw.narrative_figures``).

    Read by :func:`orchestration.parsing.readers.narrative.read_narrative` from sentences such as
    ``…2019年度收入、支出预算总计18330.37万元``:

    - ``figure_no``: 1-based, in text order;
    - ``measure``: ``total`` (收支总计), ``income_total``, ``income`` (by source), ``expenditure_total``,
      ``expenditure`` (by fund), ``basic_expenditure``, ``project_expenditure``, ``personnel_expenditure``,
      ``public_expenditure``, ``reserve_funds``, ``carry_forward``, ``three_public_total``, ``outbound_travel``,
      ``official_vehicles``, ``vehicle_purchase``, ``vehicle_operation``, ``official_reception``,
      ``meeting_expenses``, ``training_expenses``, ``administrative_operating``, ``government_procurement``;
    - ``fund_type``: the fund (or, for ``income``, the source) the sentence names
      (``general_public``, ``fiscal_appropriation``, ``government_fund``, ``special_account``, ``carryover`` …), else ``None``;
    - ``label``: the clause before the amount (NFKC, no white space), ``sentence`` the sentence it stands in;
    - ``amount`` as printed in ``unit`` (``元`` | ``万元`` | ``亿元``), ``amount_yuan`` its value in 元;
    - ``source_page``: 1-based page of the amount.
    """

    figure_no: int
    measure: str
    fund_type: str | None
    label: str
    amount: Decimal
    unit: str
    amount_yuan: Decimal
    source_page: int
    sentence: str


@dataclass
class Disclosure:
    """A disclosure's inventory and the rows read from its standard tables.

    ``scope``: ``department`` (部门预算/决算) or ``unit`` (单位预算); ``stage``:
    ``budget`` | ``final_accounts``; ``is_template``: no standard table holds
    an amount (a blank form such as 部门决算模板), so it is registered, not loaded.
    """

    scope: str
    stage: str | None
    inventory: list[InventoryEntry]
    rows: list[BudgetTableRow]
    amounts: list[BudgetTableAmount]
    is_template: bool = False
    #: Cells of the tables no reader read (:class:`TableCell`).
    cells: list[TableCell] = field(default_factory=list)
    #: Headline figures stated in the prose: a narrative disclosure (``doc_type == 'budget_narrative'``), or the
    #: 说明 chapters printed beside a bundle's tables.
    figures: list[NarrativeFigure] = field(default_factory=list)

    @property
    def has_amounts(self) -> bool:
        """True when at least one amount was read (a loaded disclosure; else registered)."""
        return bool(self.amounts)
