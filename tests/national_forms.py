"""Test documents of the national grid templates, built from the real published texts.

The contents are those of ``shared/realdocs/target-tables/*.txt`` (Hunan, Sichuan,
Hubei; the files name their sources): the cell texts are copied from them, the
layout of rows and merged cells is read from how the stored text runs (a cell
missing from a stored row is covered by a merged cell above, as the published
grid shows). :class:`Form` holds one such content; ``to_html`` / ``to_xlsx`` /
``to_xls`` / ``to_docx`` / ``to_pdf`` write the same content in each format, so a
test can assert that every format gives the same records.

Cells are HTML-like: ``C(text, colspan, rowspan)``.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field


@dataclass(frozen=True)
class C:
    """One cell as drawn: its text and how many columns / rows it spans."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Form:
    """A document: text lines above the table, the table (rows of :class:`C`), lines below."""

    name: str
    columns: int
    rows: list[list[C]]
    above: list[str] = field(default_factory=list)
    below: list[str] = field(default_factory=list)

    def grid(self) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
        """Texts on their origin positions (``''`` elsewhere) and merged ranges (r0, c0, r1, c1)."""
        taken: set[tuple[int, int]] = set()
        texts = [[""] * self.columns for _ in self.rows]
        spans = []
        for i, row in enumerate(self.rows):
            j = 0
            for cell in row:
                while (i, j) in taken:
                    j += 1
                assert j + cell.colspan <= self.columns, (self.name, i, cell)
                texts[i][j] = cell.text
                for di in range(cell.rowspan):
                    for dj in range(cell.colspan):
                        taken.add((i + di, j + dj))
                if cell.colspan > 1 or cell.rowspan > 1:
                    spans.append((i, j, i + cell.rowspan - 1, j + cell.colspan - 1))
                j += cell.colspan
        return texts, spans


# --------------------------------------------------------------------------
# 1. single-project form: hunan-xiangtan-huanwei_2023_single-project-form.txt (complete)
# --------------------------------------------------------------------------
_GOAL = "通过采购雾炮车降尘抑尘服务,服务周期2023.07-2024.01,全市空气质量达到优良"
STD = "计划标准"
HUNAN = Form(
    name="hunan", columns=6,
    above=["湘潭市环境卫生管理处2023年雾炮车降尘抑尘服务项目支出绩效目标申报表",
           "湘潭市城市管理和综合执法局 xtcg.xiangtan.gov.cn 发布时间:2023-10-13 19:49",
           "2023年项目支出绩效目标申报表"],
    rows=[
        [C("填报单位:(盖章) 单位:万元", 6)],
        [C("项目支出名称"), C("雾炮车降尘抑尘服务", 2), C("预算部门"), C("湘潭市环境卫生管理处", 2)],
        [C("年度本级 预算金额"), C("250万", 2), C("该项目支出上级资金"), C("0", 2)],
        [C("项目支出实施期"), C("2023.07-2024.01", 5)],
        [C("实施期绩效目标"), C(_GOAL, 5)],
        [C("本年度绩效目标"), C(_GOAL, 5)],
        [C("本年度 绩效指标", 1, 11), C("一级指标"), C("二级指标"), C("三级指标"), C("指标值及单位"), C("绩效标准")],
        [C("产出指标", 1, 5), C("数量指标", 1, 2), C("雾炮车降尘抑尘服务配备车辆数"), C("10辆"), C(STD)],
        [C("雾炮车风炮射程"), C("≥80M"), C(STD)],
        [C("质量指标"), C("服务周期内空气质量"), C("优良"), C(STD)],
        [C("时效指标"), C("服务周期"), C("2023.07-2024.01"), C(STD)],
        [C("成本指标"), C("控制在预算成本内"), C("250万"), C(STD)],
        [C("效益指标", 1, 5), C("经济效益指标"), C(""), C(""), C("")],
        [C("社会效益指标"), C("服务周期内,市民对空气质量改善的满意程度"), C("≥85%"), C(STD)],
        [C("生态效益指标"), C(""), C(""), C("")],
        [C("可持续影响指标"), C(""), C(""), C("")],
        [C("社会公众或服务对象满意度指标"), C("市民满意度"), C("≥90%"), C(STD)],
        [C("财政部门审核意见"), C("", 5)],
    ],
    below=["填表人: 宋云花 联系电话:16607326331 填报日期: 单位负责人签字:"],
)

# --------------------------------------------------------------------------
# 2. multi-project grid: sichuan-jingyan-matazhen_2023_multi-project-grid.txt (beginning only;
#    the stored page ends in the row 行政村数量, whose 指标方向性 is cut off)
# --------------------------------------------------------------------------
_GOAL2 = ("包括必要的办公用品费、水电费、报刊费等村社区办公经费,基层党组织开展组织活动、党员干部教育培训,"
          "群团活动开展,组织活动场所维护等。")
_P1 = [
    ("效益指标", "社会效益指标", "维护社会稳定", "≥", "95", "%", "10", "正向指标"),
    ("产出指标", "时效指标", "维持时效", "≥", "1", "年", "20", "正向指标"),
    ("产出指标", "质量指标", "按时发放", "≥", "1", "人/年", "10", "正向指标"),
    ("效益指标", "经济效益指标", "促进村集体经济发展", "≥", "95", "%", "10", "正向指标"),
    ("产出指标", "数量指标", "村组干部230人", "≥", "230", "个", "10", "正向指标"),
    ("效益指标", "生态效益指标", "保护生态环境卫生", "≥", "95", "%", "10", "正向指标"),
    ("效益指标", "可持续影响指标", "项目维持时效", "≥", "95", "%", "10", "正向指标"),
    ("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥", "95", "%", "10", "正向指标"),
]
_P2 = [
    ("满意度指标", "服务对象满意度指标", "辖区内群众满意度", "≥", "95", "%", "10", "正向指标"),
    ("效益指标", "经济效益指标", "促进农村集体经济发展", "≥", "95", "%", "10", "正向指标"),
    ("效益指标", "可持续影响指标", "经济、环境等方面可持续发展", "≥", "95", "%", "10", "正向指标"),
    ("产出指标", "质量指标", "保障村社区正常运转", "≥", "95", "%", "20", "正向指标"),
    ("产出指标", "数量指标", "行政村数量", "=", "11", "个", "10", ""),
]


def _sichuan_rows() -> list[list[C]]:
    rows = [
        [C("部门预算项目绩效目标申报表(2023年度)", 13)],
        [C("金额单位:元", 13)],
        [C(t) for t in ("单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质",
                        "指标值", "度量单位", "权重", "指标方向性", "")],
        [C("820-马踏镇部门"), C(""), C("8,827,620.53")] + [C("")] * 10,
    ]
    first = True
    for project, budget, goal, items in (("村组干部报酬", "3,309,840.00", "按时发放村组干部报酬", _P1),
                                         ("基层组织活动经费", "660,000.00", _GOAL2, _P2)):
        for k, item in enumerate(items):
            row = []
            if first:
                row.append(C("820001-井研县马踏镇人民政府", 1, len(_P1) + len(_P2)))
                first = False
            if k == 0:
                row += [C(project, 1, len(items)), C(budget, 1, len(items)), C(goal, 1, len(items))]
            row += [C(t) for t in item] + [C("")]
            rows.append(row)
    return rows


SICHUAN = Form(name="sichuan", columns=13, rows=_sichuan_rows())

# --------------------------------------------------------------------------
# 1b. single-project form from Word: hubei-ezhou_2022_single-project-form-docx.txt (beginning only).
#     The project name is the one the file's header gives (滨湖大楼(办公大楼)运行保障); the hosting
#     site's noise "292%" is kept as stored; the last, cut row (水电气消耗下降率 … ">") is left out.
# --------------------------------------------------------------------------
_R = "反映办公大楼全年维修维护"
EZHOU = Form(
    name="ezhou", columns=5,
    above=["主管部门审核意见单位公章:年月 日", "鄂州市2022年市直部门预算项目支出绩效目标表"],
    rows=[
        [C("项目名称"), C("滨湖大楼(办公大楼)运行保障", 4)],
        [C("项目类别"), C("本级支出项目", 4)],
        [C("项目性质"), C("持续性项目", 4)],
        [C("立项依据"), C("市机关事务服务中心三定方案", 4)],
        [C("项目预算成本构成"), C("金额"), C("测算(公式)依据"), C("2020年实际执行数"), C("2021年实际执行数")],
        [C("保安服务费"), C("191"), C("依据招标文件"), C("191"), C("191")],
        [C("保洁服务费"), C("99"), C("依据招标文件"), C("99"), C("99")],
        [C("水电气、维修维护费"), C("524"), C("根据三定方案,各项费用据实结算"), C("372.88"), C("504.55")],
        [C("合计"), C("814"), C(""), C("662.98"), C("794.55")],
        [C("绩效目标"), C("以办公大楼服务对象满意为目标,着力打造文明型机关、卫生Z口机关。", 4)],
        [C("绩效指标", 4), C("保障绩效目标实现措施", 1, 8)],
        [C("一级指标"), C("二级指标"), C("绩效标准"), C("当年预期实现值")],
        [C("数量指标", 1, 2), C("办公大楼日常维修维护次数"), C(_R + "情况"), C("2280次")],
        [C("大楼安检巡察次数"), C("反映大楼保卫巡检情况"), C("200次")],
        [C("质量指标", 1, 3), C("办公大楼日常维修维护验收合格率"), C(_R + "质量情况"), C(">92%")],
        [C("经常性大型设备更新验收合格率"), C("反映办公大楼大型设备更新验收情况"), C("292%")],
        [C("重.要设备维修维保验收合格率"), C("反映设备设施维保质量情况"), C("95%")],
        [C("成本指标"), C("成本控制率"), C(""), C("不超预算")],
    ],
)

# --------------------------------------------------------------------------
# 3. department-wide form: hubei-guangshui-zhengfuban_2021_department-wide-form.txt (beginning only:
#    the stored text ends inside 部门职能概述, before the tasks and indicators; the indicator grid's
#    header row of the template is kept so the form is recognised, with no indicator rows)
# --------------------------------------------------------------------------
_FUNCTIONS = ("(一)负责全市人民防空工作。(二)围绕市政府的重点工作和市政府领导同志的指示,组织专题调查研究,及时"
              "反映情况,提出建议。")
GUANGSHUI = Form(
    name="guangshui", columns=6,
    above=["附件 2:", "部门整体支出绩效目标申报表", "填报日期:2021 年 1 月 28 日"],
    rows=[
        [C("部门(单位) 名称"), C("广水市人民政府办公室", 2), C("填报人"), C("南春锋", 2)],
        [C("联系电话"), C("6296906", 5)],
        [C("部门总体 资金情况 单位:万元", 1, 4), C("收入构成"), C("财政拨款"), C("968.1918"), C("其他资金"), C("")],
        [C("支出构成"), C("基本支出"), C("724.2318"), C("项目支出"), C("243.96")],
        [C("合计"), C("968.1918", 4)],
        [C("占比"), C("基本支出 74.8%", 2), C("项目支出 25.2%", 2)],
        [C("部门职能概述"), C(_FUNCTIONS, 5)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值"), C("度量单位"), C("权重")],
    ],
)

FORMS = {"hunan": HUNAN, "sichuan": SICHUAN, "ezhou": EZHOU, "guangshui": GUANGSHUI}


# --------------------------------------------------------------------------
# Layouts of the failure classes of issue #25 (held-back documents of other provinces), composed
# from the same real texts.
# --------------------------------------------------------------------------
def _widen(rows: list[list[C]], extra: int) -> list[list[C]]:
    """The rows with the last cell of each row spanning ``extra`` more columns."""
    return [row[:-1] + [C(row[-1].text, row[-1].colspan + extra, row[-1].rowspan)] for row in rows]


# 1. a 部门整体 grid with 指标值类型 / 指标值 / 计量单位 / 指标解释 / 评(扣)分标准: the head of the Guangshui form,
#    indicator rows whose names and 指标解释 are the Ezhou form's (its 绩效标准 column holds the 反映… explanations),
#    and the 2026 framework's level-1 成本指标 / 经济成本指标 with the explanation the Guangzhou 2026 form prints
#    (realdocs/guangzhou-2026: 项目预算控制率=项目实际费用金额/项目投资概算*100%, ≤100%).
GRID_HEADER_2026 = ("一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释", "评(扣)分标准")
DEPARTMENT_GRID_ROWS = [
    ("产出指标", "数量指标", "办公大楼日常维修维护次数", "≥", "2280", "次", "反映办公大楼全年维修维护情况", STD),
    ("产出指标", "数量指标", "大楼安检巡察次数", "≥", "200", "次", "反映大楼保卫巡检情况", STD),
    ("产出指标", "质量指标", "办公大楼日常维修维护验收合格率", "≥", "92", "%", "反映办公大楼全年维修维护质量情况", STD),
    ("成本指标", "经济成本指标", "项目预算控制率", "≤", "100", "%", "项目预算控制率=项目实际费用金额/项目投资概算*100%", STD),
    ("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%", "", STD),
]


def _department_grid_rows() -> list[list[C]]:
    rows = _widen(GUANGSHUI.rows[:-1], 2) + [[C(t) for t in GRID_HEADER_2026]]
    previous = None
    for k, item in enumerate(DEPARTMENT_GRID_ROWS):
        span = sum(1 for other in DEPARTMENT_GRID_ROWS[k:] if other[0] == item[0]) if item[0] != previous else 0
        first = [C(item[0], 1, span)] if span else []
        rows.append(first + [C(t) for t in item[1:]])
        previous = item[0]
    return rows


DEPARTMENT_GRID = Form(name="department-grid", columns=8, above=GUANGSHUI.above, rows=_department_grid_rows())

# 2. a single-project form that prints no 主管部门 / 预算部门 (nor 实施单位): the Hunan form without its
#    预算部门 cells; the form's indicators are real, the department is unknown.
HUNAN_NO_DEPARTMENT = Form(
    name="hunan-no-department", columns=6, above=HUNAN.above, below=HUNAN.below,
    rows=[HUNAN.rows[0], [C("项目支出名称"), C("雾炮车降尘抑尘服务", 5)], *HUNAN.rows[2:]])

# 4. the 2026 framework: 成本指标 printed in the 一级 column (经济成本指标 under it), not as the 二级 name under 产出.
HUNAN_COST_LEVEL1 = Form(
    name="hunan-cost-level1", columns=6, above=HUNAN.above, below=HUNAN.below,
    rows=[*HUNAN.rows[:7],
          [C("产出指标", 1, 4), C("数量指标", 1, 2), C("雾炮车降尘抑尘服务配备车辆数"), C("10辆"), C(STD)],
          HUNAN.rows[8], HUNAN.rows[9], HUNAN.rows[10],
          [C("成本指标"), C("经济成本指标"), C("控制在预算成本内"), C("250万"), C(STD)],
          *HUNAN.rows[12:]])


# --------------------------------------------------------------------------
# Writers: one content, five formats
# --------------------------------------------------------------------------
def to_html(form: Form, encoding: str = "utf-8") -> bytes:
    """A saved government page: navigation and footer clutter, a layout table around the form's table."""
    rows = "".join(
        "<tr>" + "".join(
            f'<td{f" colspan={c.colspan}" if c.colspan > 1 else ""}{f" rowspan={c.rowspan}" if c.rowspan > 1 else ""}>'
            f"{html.escape(c.text)}</td>" for c in row) + "</tr>\n"
        for row in form.rows)
    above = "".join(f"<p>{html.escape(line)}</p>" for line in form.above)
    below = "".join(f"<p>{html.escape(line)}</p>" for line in form.below)
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{html.escape(form.name)}</title>'
            "<script>var nav = '<table><tr><td>首页</td></tr></table>';</script><style>td{border:1px}</style></head>"
            f"<body><table class=layout><tr><td>{above}<table border=1>{rows}</table>{below}</td></tr></table>"
            "</body></html>")
    return page.encode(encoding)


def to_xlsx(forms: list[Form] | Form, sheet_names: list[str] | None = None, stacked: bool = False) -> bytes:
    """One sheet per form (or all forms stacked on one sheet): lines above and below as one-cell rows."""
    import openpyxl

    forms = [forms] if isinstance(forms, Form) else forms
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheet = None
    r = 0
    for n, form in enumerate(forms):
        if sheet is None or not stacked:
            sheet = book.create_sheet((sheet_names or [])[n] if sheet_names else f"Sheet{n + 1}")
            r = 0
        for line in form.above:
            r += 1
            sheet.cell(r, 1, line)
        texts, spans = form.grid()
        for i, row in enumerate(texts):
            for j, text in enumerate(row):
                if text:
                    sheet.cell(r + 1 + i, j + 1, _number_or_text(text))
        for r0, c0, r1, c1 in spans:
            sheet.merge_cells(start_row=r + 1 + r0, start_column=c0 + 1, end_row=r + 1 + r1, end_column=c1 + 1)
        r += len(texts)
        for line in form.below:
            r += 1
            sheet.cell(r, 1, line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_or_text(text: str):
    """Budget-system exports store amounts as numbers: ``3,309,840.00`` → 3309840.0, ``95`` → 95."""
    plain = text.replace(",", "")
    try:
        return int(plain) if plain.isdigit() else float(plain) if "." in plain and not plain.startswith("20") else text
    except ValueError:
        return text


def to_xls(form: Form) -> bytes:
    """The same sheet as :func:`to_xlsx`, as a legacy .xls (xlwt)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("部门项目支出绩效目标05-2")
    r = 0
    for line in form.above:
        sheet.write(r, 0, line)
        r += 1
    texts, spans = form.grid()
    merged = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in spans}
    for i, row in enumerate(texts):
        for j, text in enumerate(row):
            if (i, j) in merged:
                r1, c1 = merged[(i, j)]
                sheet.write_merge(r + i, r + r1, j, c1, _number_or_text(text) if text else "")
            elif text:
                sheet.write(r + i, j, _number_or_text(text))
    r += len(texts)
    for line in form.below:
        sheet.write(r, 0, line)
        r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_docx(form: Form) -> bytes:
    """Paragraphs above, one Word table (merged with python-docx's ``merge``: gridSpan / vMerge), paragraphs below."""
    import docx

    document = docx.Document()
    for line in form.above:
        document.add_paragraph(line)
    texts, spans = form.grid()
    table = document.add_table(rows=len(texts), cols=form.columns)
    table.style = "Table Grid"
    for i, row in enumerate(texts):
        for j, text in enumerate(row):
            if text:
                table.cell(i, j).text = text
    for r0, c0, r1, c1 in spans:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for line in form.below:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(form: Form, landscape_page: bool = True, font_size: float = 8, rules: str = "grid") -> bytes:
    """A ruled table (reportlab, STSong-Light CID font) with the lines above and below as paragraphs.

    ``rules``: ``"grid"`` draws every cell's border; ``"horizontal"`` only the rules above and below
    each row, as a Word or Excel table with horizontal borders only prints (no rule crosses a merged
    cell: reportlab leaves the inside of a span blank), so the PDF has no vertical edge at all;
    ``"frame"`` those rules and the table's outer box (two vertical edges: one cell per row for
    pdfplumber's lines strategy); ``"frame-first-column"`` also a rule after the first column."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=font_size, leading=font_size * 1.25,
                           wordWrap="CJK")
    page = landscape(A4) if landscape_page else A4
    texts, spans = form.grid()
    data = [[Paragraph(html.escape(t), style) if t else "" for t in row] for row in texts]
    width = page[0] - 60
    table = Table(data, colWidths=[width / form.columns] * form.columns, repeatRows=0)
    lines = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if rules == "grid" else [
        ("LINEABOVE", (0, 0), (-1, -1), 0.5, colors.black), ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black)]
    if rules in ("frame", "frame-first-column"):
        lines.append(("BOX", (0, 0), (-1, -1), 0.5, colors.black))
    if rules == "frame-first-column":
        lines.append(("LINEAFTER", (0, 0), (0, -1), 0.5, colors.black))
    commands = lines + [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]
    table.setStyle(TableStyle(commands))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=30, rightMargin=30, topMargin=30, bottomMargin=30)
    doc.build([Paragraph(html.escape(line), style) for line in form.above] + [table]
              + [Paragraph(html.escape(line), style) for line in form.below])
    return out.getvalue()


WRITERS = {"html": lambda f: to_html(f), "xlsx": lambda f: to_xlsx(f), "xls": to_xls, "docx": to_docx,
           "pdf": to_pdf}
