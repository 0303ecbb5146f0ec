"""Reader of a prose-only 部门预算 / 决算 disclosure (部门预算公开文件, 情况说明): its headline figures.

Pure: page lines in, :class:`~..disclosure_records.NarrativeFigure` records out. Many departments
publish the 说明 (收支预算总体情况, 收入/支出预算情况, “三公”经费, 机关运行经费, 政府采购) as a file of
its own, the tables in another. Such a file states its headline figures in sentences::

    江苏省人大常委会办公厅2019年度收入、支出预算总计
    18330.37万元，与上年相比收、支预算总计各增加2432.93万元，

Rules (read by meaning, never by one producer's sentence):

1. the pages' lines are joined into one text (NFKC, white space removed, page footers such as
   ``─ 7 ─`` / ``- 3 -`` dropped), each character keeping its page;
2. an *amount* is a number followed by its unit ``亿元`` / ``万元`` / ``元`` (:data:`AMOUNT`);
3. its *label* is the clause before it: back to the previous clause mark (，；：。 …) or the
   previous amount, after a heading ending in ``说明`` / ``情况`` and after the last item mark (``（一）``, ``1.``, ``图2``);
4. a clause that states a change (``与上年相比增加…``, ``比2025年年初预算数…减少``) or a function
   class line (``一般公共服务（类）支出``) gives no figure;
5. the label's key phrases decide the measure (:func:`classify_label`): 收支 总计, 收入 / 支出 总计,
   收入 by source, 基本支出, 项目支出, 人员经费, 公用经费, 预留机动经费, “三公”经费 and its parts,
   会议费, 培训费, 机关运行经费, 政府采购; 一般公共预算 / 财政拨款 / 政府性基金 in the label name the fund;
6. a label without any key phrase (``2026年预算数43.35万元``) takes the one of the short heading
   clause just before it (``（一）因公出国（境）费用。``); a label still unknown gives no figure —
   never a wrong one.

Every figure keeps its amount and unit as printed, its value in 元 (``amount_yuan``), its page and the
sentence it comes from (up to :data:`SENTENCE_CHARS` characters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..disclosure_records import NarrativeFigure
from ..vocabulary import FISCAL_APPROPRIATION_WORD, FUND_TYPE_WORDS

#: A number followed by its unit (NFKC text without white space); thousands separators allowed.
AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(亿元|万元|元)")
#: Clause marks (after NFKC: ， → , ； → ; ： → :).
_CLAUSE_MARKS = ",;:。!?，；：！？"
_SENTENCE_MARKS = "。;；!?！？"
#: Units → factor to 元.
UNIT_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
#: Characters of the source sentence kept on a figure.
SENTENCE_CHARS = 300
#: A clause stating a change against another year, not a level.
_CHANGE = re.compile(r"增加|减少|增长|下降|上升|增减|持平|相比|比上年|较上年|[比较]20\d\d|上年预算|年初预算数")
#: A function-class line (一般公共服务（类）支出 …): detail of the tables, not a headline figure.
_CLASS_LINE = re.compile(r"\((?:类|款|项)\)")
#: An item number or heading mark (（一） 一、 1. (1) 第二部分 图2:): the label starts after the last one.
_ENUMERATOR = re.compile(r"\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、|(?<![\d.])\d+[.、](?!\d)"
                         r"|第[一二三四五六七八九十]+部分|图\d+")
_LEAD_WORDS = re.compile(r"^(?:其中|包括|此外|另外)+")
_FOOTER = re.compile(r"^[-─—–_\s\d]*$|^第\d+页(共\d+页)?$|^-?\s*\d+\s*/\s*\d+\s*-?$")
#: Words a heading clause must have to lend its measure to the next clause.
HEADING_CHARS = 24

#: Fund named in a label, most specific first.
_FUNDS: tuple[tuple[str, str], ...] = (*FUND_TYPE_WORDS, FISCAL_APPROPRIATION_WORD)
#: Income sources named in a 收入 label, most specific first.
_SOURCES: tuple[tuple[str, str], ...] = (
    *FUND_TYPE_WORDS,
    ("财政专户", "special_account"),
    ("事业单位经营", "operating"),
    ("事业收入", "public_service"),
    ("上级补助", "superior_subsidy"),
    ("附属单位", "affiliated_units"),
    ("上年结转", "carryover"),
    ("财政拨款", "fiscal_appropriation"),
    ("其他", "other"),
)
#: Measures named by one key phrase, most specific first: (pattern, measure).
_KEYED: tuple[tuple[str, str], ...] = (
    (r"因公出国", "outbound_travel"),
    (r"公务用车购置(?:及|和)运行", "official_vehicles"),
    (r"公务用车运行", "vehicle_operation"),
    (r"公务用车购置", "vehicle_purchase"),
    (r"公务接待", "official_reception"),
    (r"三公", "three_public_total"),
    (r"会议费", "meeting_expenses"),
    (r"培训费", "training_expenses"),
    (r"机关运行经费", "administrative_operating"),
    (r"人员经费", "personnel_expenditure"),
    (r"公用经费", "public_expenditure"),
    (r"预留机动", "reserve_funds"),
    (r"基本支出", "basic_expenditure"),
    (r"项目支出", "project_expenditure"),
    (r"结转下年|年终结转", "carry_forward"),
)
_TOTAL_WORD = r"(?:总计|合计|总额|总预算|共计)"
#: A part of 政府采购 (货物 / 工程 / 服务), not its total.
_PROCUREMENT_PART = re.compile(r"(?:货物|工程|服务)(?:类|预算|支出)|(?:采购|购买)(?:货物|工程|服务)")


@dataclass(frozen=True)
class _Char:
    text: str
    page: int


def read_narrative(pages: list[tuple[int, list[str]]]) -> list[NarrativeFigure]:
    """Headline figures of a prose disclosure from its pages' text lines.

    ``pages`` is ``[(page_no, lines)]`` in page order (1-based pages, lines top to bottom as printed).
    Returns figures in text order, numbered 1…; an amount whose label names no known measure
    gives none (module docstring). Amounts are as printed in their unit (元/万元/亿元);
    ``amount_yuan`` is the value in 元. Never raises for text it does not understand.
    """
    chars = _joined_chars(pages)
    text = "".join(c.text for c in chars)
    matches = list(AMOUNT.finditer(text))
    inside = {i for m in matches for i in range(m.start(), m.end())}
    figures: list[NarrativeFigure] = []
    previous_end = 0
    for match in matches:
        start = _clause_start(text, match.start(), previous_end, inside)
        sentence_start = max((text.rfind(mark, 0, match.start()) for mark in _SENTENCE_MARKS), default=-1) + 1
        if _CLASS_LINE.search(text[sentence_start:match.start()]):
            previous_end = match.end()  # (三)住房保障支出(类)住房改革支出(款):…预算支出合计: a class line, not a headline
            continue
        label = _clean_label(text[start:match.start()])
        measure = classify_label(label)
        if measure is None and _is_keyless(label):
            heading = _heading_before(text, start, inside)
            measure = classify_label(heading) if heading else None
        previous_end = match.end()
        if measure is None:
            continue
        amount = Decimal(match.group(1).replace(",", ""))
        unit = match.group(2)
        figures.append(NarrativeFigure(
            figure_no=len(figures) + 1, measure=measure[0], fund_type=measure[1], label=label[-200:],
            amount=amount, unit=unit, amount_yuan=amount * UNIT_YUAN[unit],
            source_page=chars[match.start()].page, sentence=_sentence(text, match.start(), match.end()),
        ))
    return figures


def classify_label(label: str) -> tuple[str, str | None] | None:
    """``(measure, fund_type)`` named by a clause's label, or ``None`` (rules 4–5 of the module docstring).

    ``label`` is NFKC text without white space. Measures: ``total`` (收支 总计), ``income_total``,
    ``income`` (by source, ``fund_type`` the source), ``expenditure_total``, ``expenditure`` (by fund),
    and the keyed measures of :data:`_KEYED`; ``fund_type`` is the fund the label names, else ``None``.
    """
    if not label or _CHANGE.search(label) or _CLASS_LINE.search(label):
        return None
    fund = next((code for word, code in _FUNDS if word in label), None)
    for pattern, measure in _KEYED:
        found = re.search(pattern, label)
        if found:
            if measure == "three_public_total" and re.search(r"其中|占", label):
                return None
            if measure in _PART_MEASURES and _names_a_part(label[:found.start()]):
                return None  # 大厅保安和安检服务项目支出: one project's spending, not the 项目支出 total
            return measure, fund
    if "政府采购" in label:
        # its parts (货物类 / 政府采购服务预算 / 拟采购工程) are not its total; 工程办 of a subject (副中心工程办) is no part
        return None if _PROCUREMENT_PART.search(label) else ("government_procurement", None)
    return _income_or_expenditure(label, fund)


def _income_or_expenditure(label: str, fund: str | None) -> tuple[str, str | None] | None:
    """收支 / 收入 / 支出 totals and the income sources (``None`` for anything else)."""
    both = re.search(r"收支|收入[、和及]?支出|收[、,]支", label)
    if both and re.search(_TOTAL_WORD, label):
        return "total", fund if fund == "fiscal_appropriation" else None
    subject = _strip_subject(label)
    if "收入" in label or "上年结转" in label:
        source = next((code for word, code in _SOURCES if word in label), None)
        if source is not None:
            return "income", source
        if re.search(_TOTAL_WORD, label) or re.fullmatch(r"(?:本年)?收入(?:预算)?(?:数)?(?:为)?", subject):
            return "income_total", None
        return None
    if "支出" in label:
        if fund is None and (re.search(_TOTAL_WORD, label) or re.fullmatch(r"(?:本年)?支出预算(?:数)?(?:为)?", subject)):
            return "expenditure_total", None
        if fund is not None and re.fullmatch(
                r"(?:一般公共预算|政府性基金|国有资本经营|财政拨款)+(?:预算)?(?:拨款)?(?:安排的)?(?:预算)?支出(?:预算)?"
                + _TOTAL_WORD + r"?(?:数)?(?:为)?", subject):
            return "expenditure", fund
    return None


#: Measures that a longer name can end with (…服务项目支出): their label names the total only when nothing but a
#: subject, a year, a fund or a heading word stands before the key word.
_PART_MEASURES = frozenset({"basic_expenditure", "project_expenditure"})
_NOT_A_PART = re.compile(r"(?:一般公共预算|政府性基金|国有资本经营|财政拨款|其中|本年|本|我|部门|单位|预算|安排|的|[、:,;]"
                         r"|\(详见表\d+\)|\(见表\d+\))+")


def _names_a_part(before: str) -> bool:
    """True when the words ``before`` a 基本支出 / 项目支出 key word name something of the department's (a project,
    a service), not its subject and year: what is left after the subject and year (:func:`_strip_subject`) and
    the fund and heading words is not empty."""
    rest = _strip_subject(before) if re.search(r"20\d\d年", before) else before
    return bool(_NOT_A_PART.sub("", rest))


def _strip_subject(label: str) -> str:
    """The label after its subject and year (``江苏省人大常委会办公厅2019年`` → ``…``): the text after the last ``年``/``年度``,
    without a leading 本部门 / 本单位 (``2026年本部门收入预算`` → ``收入预算``)."""
    parts = re.split(r"年度?", label)
    subject = parts[-1] if len(parts) > 1 else label
    return re.sub(r"^(?:本部门|本单位|我部门|我单位|部门|单位)", "", subject)


def _is_keyless(label: str) -> bool:
    """True when the label names a period or 预算数 only (``2026年预算数``), no measure or change."""
    return bool(re.fullmatch(r"(?:20\d\d年度?)?(?:预算|决算)?(?:数|安排)?(?:为)?", label))


def _heading_before(text: str, start: int, inside: set[int]) -> str | None:
    """The short clause just before ``start`` (a heading such as ``(一)因公出国(境)费用。``), cleaned, or ``None``."""
    end = start - 1
    while end > 0 and text[end - 1] in _CLAUSE_MARKS:
        end -= 1
    if end <= 0:
        return None
    begin = _clause_start(text, end, 0, inside)
    heading = text[begin:end]
    if not heading or len(heading) > HEADING_CHARS or AMOUNT.search(heading):
        return None
    return _clean_label(heading)


def _clause_start(text: str, at: int, floor: int, inside: set[int]) -> int:
    """Index after the last clause mark before ``at`` (a mark inside an amount does not count), not before ``floor``."""
    i = at - 1
    while i >= floor:
        if text[i] in _CLAUSE_MARKS and i not in inside:
            return i + 1
        i -= 1
    return max(floor, 0)


def _clean_label(label: str) -> str:
    """The label without a heading ending in 说明 / 情况 before it (``一、部门预算收支增减变化情况``), item marks and quotes."""
    heading_end = max(label.rfind("说明"), label.rfind("情况"))
    if heading_end >= 0 and label[heading_end + 2:]:
        label = label[heading_end + 2:]
    label = re.sub(r"[“”\"'‘’《》]", "", label)
    marks = list(_ENUMERATOR.finditer(label))
    if marks:
        label = label[marks[-1].end():]
    return _LEAD_WORDS.sub("", label)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` (between sentence marks), at most :data:`SENTENCE_CHARS`."""
    left = max((text.rfind(mark, 0, start) for mark in _SENTENCE_MARKS), default=-1) + 1
    rights = [i for i in (text.find(mark, end) for mark in _SENTENCE_MARKS) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    left = max(left, start - SENTENCE_CHARS // 2)
    return text[left:min(right, left + SENTENCE_CHARS)]


def _joined_chars(pages: list[tuple[int, list[str]]]) -> list[_Char]:
    """Every character of the pages' lines (NFKC, no white space, footers dropped), with its page."""
    out: list[_Char] = []
    for page_no, lines in pages:
        for line in lines:
            text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))
            if not text or _FOOTER.match(text):
                continue
            out += [_Char(ch, page_no) for ch in text]
    return out
