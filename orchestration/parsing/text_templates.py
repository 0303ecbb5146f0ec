"""Name the national template in a text extract the text readers cannot read, so its reason can be acted on.

The text readers (:mod:`.readers.project_targets_text`, :mod:`.readers.department_targets_text`) read the
广州-style 项目支出绩效目标表 and the 部门整体绩效目标 tab-separated form. The national grid
templates — 项目支出绩效目标申报表 (one project per form), the multi-project
部门预算项目绩效目标申报表 grid, 部门整体支出绩效目标申报表 — are read from their PDF, XLSX,
XLS, DOCX or HTML files by :mod:`.readers.grid_targets`, where every cell has its place in
the grid. As plain text they lose that place: a merged (row-spanning) cell is printed once and
left out of the rows below it, so a short row cannot be put back into its columns; cells of a
Word file run together without separators; a PDF text layer comes out in a scrambled order.
Guessing the columns would load indicators under the wrong 一级/二级 levels, so such a text is
refused with a reason that names the template and asks for the original file.

Rules (labels and words only; spaces ignored):

- the template is **found** when the text has the grid's labels (三级指标, or 一级指标 and
  二级指标) or a title of the national forms (``整体支出绩效目标``, ``绩效目标申报表``);
- its **name**: ``整体支出绩效目标`` / ``部门整体`` with 申报表 → the department-wide form, named by
  its title as printed (``部门整体预算绩效目标申报表``);
  单位名称, 项目名称 and 一级指标 in one row of cells → the multi-project grid; else the
  项目支出 form (``项目支出绩效目标``) or, failing that, "a national indicator grid";
- **how the columns were lost**, from the text's own separators: ``|`` between cells → table
  rows with merged cells left out; the labels 一级指标二级指标 written together → cells run
  together without separators; else → cells in reading order separated by spaces or lines.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
#: The department-wide form's title as printed (部门整体支出绩效目标申报表, 部门整体预算绩效目标申报表 …).
_DEPARTMENT_FORM_TITLE = re.compile(r"(?:部门|单位)整体[\u4e00-\u9fff]{0,6}?绩效目标(?:申报)?表")
#: A line of cells separated by ``|`` (a table copied from a web page).
_PIPE_ROW = re.compile(r"\|[^|\n]*\|")


def national_template_in_text(text: str) -> str | None:
    """The national template a text extract holds (a short name with the form's Chinese title), or ``None``.

    ``text`` is the decoded extract. Rules in the module docstring; ``None`` when neither the
    grid's labels nor a national form's title appear.
    """
    flat = _SPACES.sub("", text)
    has_labels = "三级指标" in flat or ("一级指标" in flat and "二级指标" in flat)
    department = ("整体支出绩效目标" in flat or "部门整体" in flat) and "申报表" in flat
    if not (has_labels or department or "绩效目标申报表" in flat):
        return None
    if department:
        printed = _DEPARTMENT_FORM_TITLE.search(flat)
        return f"{printed.group(0) if printed else '部门整体支出绩效目标申报表'} (national department-wide form)"
    for line in text.splitlines():
        cells = _SPACES.sub("", line)
        if "单位名称" in cells and "项目名称" in cells and "一级指标" in cells:
            return "部门预算项目绩效目标申报表 (national multi-project grid, one row per indicator)"
    if "项目支出绩效目标" in flat:
        return "项目支出绩效目标申报表 (national single-project form with an 一级/二级/三级指标 grid)"
    return "national indicator grid (一级/二级/三级指标)"


def why_columns_are_lost(text: str) -> str:
    """How the text lost the grid's columns, from its separators (rules in the module docstring)."""
    flat = _SPACES.sub("", text)
    if len(_PIPE_ROW.findall(text)) >= 3:
        return ("its table rows are cells separated by '|', but a merged cell (one spanning several rows) is "
                "printed once and left out of the rows below it, so a shorter row cannot be put back into its columns")
    if "一级指标二级指标" in flat:
        return "its cells run together without any separator (一级指标二级指标…), so no cell boundary is left"
    return "its cells come in reading order separated only by spaces or line breaks, with nothing that marks a column"


def template_reason(text: str) -> str | None:
    """The quarantine reason for a text extract holding a national template, or ``None`` when it holds none.

    E.g. ``'national grid template 部门预算项目绩效目标申报表 (…) as plain text: its table rows are
    cells separated by '|', but … Provide the original PDF, XLSX, XLS, DOCX or HTML file …'``.
    """
    template = national_template_in_text(text)
    if template is None:
        return None
    return (f"national grid template {template} as plain text: {why_columns_are_lost(text)}. Columns are not "
            "recoverable from text, so nothing was loaded (a guess would put indicators under the wrong "
            "一级/二级指标). Provide the original PDF, XLSX, XLS, DOCX or HTML file: the grid reader reads "
            "these templates from them.")
