"""Text helpers shared by every text layout parser.

Everything here is pure: ``str``/``bytes`` in, values out. The functions
implement the document rules that do not depend on the layout:

- decoding (UTF-8, BOM, CRLF, GB18030 fallback) — :func:`decode_text`;
- numbered source lines — :class:`SourceLine`, :func:`split_lines`;
- joining PDF-wrapped lines without inventing spaces — :class:`JoinedText`,
  :func:`normalise_spaces`;
- amounts in 万元 (``2,541.82`` → ``Decimal('2541.82')``) — :func:`parse_amount`,
  :func:`split_amount_tail`;
- the form's header lines (title, 部门名称, 单位：万元, column header) and the
  facts they carry (title, department, fiscal year).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .records import ParseError, ParseEvent
from .vocabulary import PDF_HEADER, starts_with_pdf_header

# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------

#: Share of control characters (other than tab/newline/CR/FF) above which a
#: decoded file is treated as binary junk rather than text.
_MAX_CONTROL_CHAR_SHARE = 0.01


def decode_text(data: bytes) -> tuple[str, list[ParseEvent]]:
    """Decode the raw bytes of a text extract into a ``str`` with ``\\n`` line ends.

    Rules: UTF-8 first (a leading BOM is dropped); if the bytes are not valid
    UTF-8, GB18030 (the national superset of GBK/GB2312) is tried and a
    ``decoded_as_gb18030`` event is returned (GBK and GB2312 are subsets, so
    the event names the encoding used). CRLF and lone CR become LF. A removed
    BOM (``utf8_bom_removed``) and CRLF line ends (``line_ends_normalised``)
    are recorded as events too.

    Returns ``(text, events)``.

    Raises :class:`ParseError` for: zero bytes, PDF bytes (``%PDF`` magic: a
    PDF with its ``%PDF-`` header goes to the PDF reader before this), bytes that are neither UTF-8 nor
    GB18030, and decoded text that is mostly control characters (binary junk).
    """
    if not data:
        raise ParseError(
            "empty file (0 bytes): there is nothing to parse. Check that the "
            "download or export finished and submit the file again."
        )
    if starts_with_pdf_header(data) or data.startswith(PDF_HEADER[:4]):
        raise ParseError(
            "starts with %PDF but not with a %PDF- header, so it is neither a PDF the PDF reader can open "
            "nor a text extract: export the PDF again, or submit a text extract (UTF-8 .txt)."
        )
    events: list[ParseEvent] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        events.append(ParseEvent(kind="utf8_bom_removed", detail="the file starts with a UTF-8 byte order mark; removed"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ParseError(
                "the file is neither UTF-8 nor GB18030 text (first invalid UTF-8 "
                f"byte at offset {utf8_error.start}); it is probably binary or in "
                "another encoding. Re-export it as UTF-8 text."
            ) from None
        events.append(
            ParseEvent(
                kind="decoded_as_gb18030",
                detail="bytes are not valid UTF-8; decoded as GB18030 instead",
            )
        )
    crlf = text.count("\r\n")
    if crlf:
        events.append(
            ParseEvent(kind="line_ends_normalised", detail=f"{crlf} CRLF (Windows) line ends read as LF")
        )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _reject_binary(text)
    return text, events


def _reject_binary(text: str) -> None:
    """Raise :class:`ParseError` when decoded text is really binary data."""
    if not text:
        return
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\f")
    if "\x00" in text or control / len(text) > _MAX_CONTROL_CHAR_SHARE:
        raise ParseError(
            "the file looks like binary data, not a text extract "
            f"({control} control characters in {len(text)}). Submit the "
            "document as UTF-8 text."
        )


# --------------------------------------------------------------------------
# Source lines and joining wrapped text
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    """One line of the text extract: 1-based ``number`` and its ``text`` (no ``\\n``)."""

    number: int
    text: str

    @property
    def stripped(self) -> str:
        """The text without leading/trailing whitespace."""
        return self.text.strip()

    @property
    def is_blank(self) -> bool:
        """True when the line holds only whitespace."""
        return not self.text.strip()


def split_lines(text: str) -> list[SourceLine]:
    """Split decoded text into numbered :class:`SourceLine` objects (1-based)."""
    return [SourceLine(i, line) for i, line in enumerate(text.split("\n"), start=1)]


class JoinedText:
    """Wrapped lines joined into one string, remembering where each line began.

    PDF text extraction wraps table cells at the column width, so a line
    break is *not* a word boundary: lines are concatenated with nothing in
    between (``'不少' + '于4场'`` → ``'不少于4场'``). Each line is stripped of
    leading indentation and trailing spaces first.

    ``text`` is the joined string; :meth:`line_at` maps an offset in it back
    to the 1-based source line number; :meth:`slice` cuts a part out with the
    mapping intact.
    """

    def __init__(self, lines: list[SourceLine] = ()):
        parts: list[str] = []
        self._starts: list[tuple[int, int]] = []  # (offset in text, source line number)
        offset = 0
        for line in lines:
            piece = line.text.strip()
            if not piece:
                continue
            self._starts.append((offset, line.number))
            parts.append(piece)
            offset += len(piece)
        self.text = "".join(parts)

    def line_at(self, offset: int) -> int | None:
        """Source line number of the character at ``offset`` (``None`` if empty)."""
        found = None
        for start, number in self._starts:
            if start > offset:
                break
            found = number
        return found

    @property
    def first_line(self) -> int | None:
        """Source line number of the first joined line (``None`` if empty)."""
        return self._starts[0][1] if self._starts else None

    def slice(self, start: int, end: int | None = None) -> "JoinedText":
        """The part ``text[start:end]`` as a new :class:`JoinedText` with line numbers kept."""
        end = len(self.text) if end is None else end
        part = JoinedText()
        part.text = self.text[start:end]
        if part.text:
            part._starts = [(0, self.line_at(start))] + [
                (offset - start, number) for offset, number in self._starts if start < offset < end
            ]
        return part


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_FULLWIDTH_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’"
_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000]+")
_SPACE_AT_PUNCT = re.compile(rf" (?=[{_FULLWIDTH_PUNCT}])|(?<=[{_FULLWIDTH_PUNCT}]) ")
_SPACE_CJK_DIGIT = re.compile(rf"(?<=[{_CJK}]) (?=\d)|(?<=\d) (?=[{_CJK}])")


def normalise_spaces(text: str) -> str:
    """Remove the spaces PDF justification puts into CJK text; keep real ones.

    Rule (applied to goal texts, names and indicator fields):

    1. runs of spaces/tabs/ideographic spaces collapse to one space, and the
       result is stripped;
    2. a space next to full-width punctuation is dropped
       (``'创新创业 ，激发'`` → ``'创新创业，激发'``, ``'100% ；'`` → ``'100%；'``);
    3. a space between a CJK character and a digit is dropped
       (``'达到 2.4万人次'`` → ``'达到2.4万人次'``);
    4. any other single space is kept, because it can be real
       (``'读懂广州 共建家园'``, ``'思想 and 总书记'``).

    Line breaks never become spaces (see :class:`JoinedText`).
    """
    text = _SPACE_RUN.sub(" ", text).strip()
    text = _SPACE_AT_PUNCT.sub("", text)
    return _SPACE_CJK_DIGIT.sub("", text)


# --------------------------------------------------------------------------
# Amounts (万元)
# --------------------------------------------------------------------------

#: One amount as printed: thousands separators optional, exactly two decimals,
#: optionally negative (``-12.00`` or in parentheses ``(12.00)``/``（12.00）``).
#: ``\d`` also matches full-width digits (``１２．００`` is read after
#: :func:`normalise_amount_text`).
_AMOUNT_NUMBER = r"(?:\d{1,3}(?:[,，]\d{3})+|\d+)[.．]\d{2}"
AMOUNT_PATTERN = rf"(?:[-−－]?{_AMOUNT_NUMBER}|[(（]{_AMOUNT_NUMBER}[)）])"
_AMOUNT_TAIL = re.compile(rf"^(?P<name>.*?)(?:^|\s+)(?P<numbers>{AMOUNT_PATTERN}(?:\s+{AMOUNT_PATTERN})*)\s*$")
#: Cell contents that mean "empty" (no amount), as some publishers print them.
EMPTY_AMOUNT_MARKS = frozenset({"-", "--", "—", "——", "–", "－", "/", "／"})


def normalise_amount_text(text: str) -> str:
    """Full-width digits and punctuation → ASCII (NFKC), thousands separators and spaces removed."""
    return re.sub(r"[,\s]", "", unicodedata.normalize("NFKC", text)).replace("−", "-")


def parse_amount(text: str) -> Decimal | None:
    """One amount cell in 万元 → ``Decimal``, or ``None`` for an empty cell.

    Accepted: ``'2,541.82'``, full-width ``'２，５４１．８２'``, negative
    ``'-12.00'`` or ``'(12.00)'`` (accounting style) → ``Decimal('-12.00')``;
    a blank cell or a dash placeholder (``-``, ``—``, ``－``, ``/``) → ``None``.

    Raises :class:`ParseError` when a non-empty cell is not a number.
    """
    if text.strip() in EMPTY_AMOUNT_MARKS:
        return None
    cleaned = normalise_amount_text(text)
    if not cleaned or cleaned in EMPTY_AMOUNT_MARKS:
        return None
    negative = re.fullmatch(r"\((.*)\)", cleaned)
    if negative:
        cleaned = "-" + negative.group(1)
    if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", cleaned):
        raise ParseError(
            f"amount cell {text.strip()[:40]!r} is not a number in 万元 (expected e.g. 1,234.56, (12.00) for a "
            "negative amount, or an empty cell / '-' for none)"
        )
    return Decimal(cleaned)


def split_amount_tail(text: str) -> tuple[str, list[Decimal]] | None:
    """Split a row line into ``(name part, amounts)`` when it ends with amounts.

    ``'    培训经费 38.41 38.41'`` → ``('培训经费', [38.41, 38.41])``;
    ``'91.14 91.14'`` → ``('', [91.14, 91.14])``. Returns ``None`` when the
    line does not end with amounts, or when the part before them reads like
    indicator text (contains ``；`` or ``指标值``), which a row name never does.
    """
    match = _AMOUNT_TAIL.match(text.strip())
    if not match:
        return None
    name = match.group("name").strip()
    if "；" in name or "指标值" in name:
        return None
    numbers = [parse_amount(n) for n in match.group("numbers").split()]
    return name, [n for n in numbers if n is not None]


def format_amount(value: Decimal | None) -> str:
    """``Decimal('2541.82')`` → ``'2,541.82'`` (as published); ``None`` → ``'empty'``."""
    if value is None:
        return "empty"
    return f"{value:,.2f}"


# --------------------------------------------------------------------------
# Header lines of the 项目支出绩效目标表 form
# --------------------------------------------------------------------------

PROJECT_TITLE_MARK = "项目支出绩效目标表"
DEPARTMENT_TITLE_MARK = "部门整体绩效目标"
#: The title of a department- or unit-wide form, whatever words stand between 整体 and 绩效目标
#: (部门整体绩效目标, 部门整体支出绩效目标申报表, 部门整体预算绩效目标申报表, 单位整体绩效目标表):
#: up to six Chinese characters, no punctuation or digits, matched on NFKC text without white space.
DEPARTMENT_TITLE = re.compile(r"(?:部门|单位)整体[\u4e00-\u9fff]{0,6}?绩效目标")
_UNIT_LINE = re.compile(r"^单位\s*[：:]\s*万元$")
_DEPARTMENT = re.compile(r"部门名称\s*[：:]\s*(?P<name>.*?)(?:\s+单位\s*[：:].*)?$")
_DEPARTMENT_FORM_SUFFIX = re.compile(r"\s*[（(]\s*部门\s*[）)]\s*$")
_YEAR_IN_TITLE = re.compile(r"[（(]?\s*((?:19|20)\d{2})\s*[）)]?\s*年")


def is_page_header_line(text: str) -> bool:
    """True for the lines the form repeats at the top of every page.

    Those are: the title (contains 项目支出绩效目标表), ``部门名称：…``,
    ``单位：万元``, the column header row (starts with 项目名称) and a lone
    ``绩效指标`` (the header of the indicator column when it is printed on
    its own pages).
    """
    stripped = text.strip()
    return (
        PROJECT_TITLE_MARK in stripped
        or stripped.startswith("部门名称")
        or bool(_UNIT_LINE.match(stripped))
        or stripped.startswith("项目名称")
        or stripped == "绩效指标"
    )


def clean_title(text: str) -> str:
    """Strip a Markdown heading prefix (``### ``) and surrounding spaces from a title line."""
    return text.strip().lstrip("#").strip()


def department_title_at(text: str) -> int:
    """Index in ``text`` where a department-wide form's title (:data:`DEPARTMENT_TITLE`) starts, else ``-1``.

    ``text`` is NFKC-normalised and white space inside words is ignored (``部门 整体 预算绩效目标``), so
    the index is one in the squeezed text; callers compare it with the index of another mark found the
    same way (:func:`squeeze`).
    """
    match = DEPARTMENT_TITLE.search(squeeze(text))
    return match.start() if match else -1


def has_department_title(text: str) -> bool:
    """True when ``text`` names a 部门整体 / 单位整体 … 绩效目标 form (:data:`DEPARTMENT_TITLE`)."""
    return department_title_at(text) >= 0


def squeeze(text: str) -> str:
    """``text`` NFKC-normalised (full width → half width) with all white space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def find_department_title(lines: list[SourceLine]) -> str | None:
    """First line naming a department-wide form (:data:`DEPARTMENT_TITLE`), cleaned; ``None`` if absent."""
    for line in lines:
        if has_department_title(line.text):
            return clean_title(line.text)
    return None


def find_title(lines: list[SourceLine], mark: str) -> str | None:
    """First line containing ``mark`` (e.g. 项目支出绩效目标表), cleaned; ``None`` if absent."""
    for line in lines:
        if mark in line.text:
            return clean_title(line.text)
    return None


def fiscal_year_from_title(title: str | None) -> int | None:
    """Fiscal year written in the title, else ``None``.

    ``'…2024年项目支出绩效目标表'`` → 2024; ``'荔湾区部门整体绩效目标（2023）年'``
    → 2023. Only the title is read: a year inside content (``较2023年增加5%``,
    ``2024年番禺区…`` project names) is not the document's fiscal year.
    """
    if not title:
        return None
    match = _YEAR_IN_TITLE.search(title)
    return int(match.group(1)) if match else None


#: A year in a file name, delimited (so the hex of ``000_26deb592…`` never counts): ``2024年…``, ``…_2024.pdf``.
_YEAR_IN_FILE_NAME = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})(?![0-9A-Za-z])")
#: A cover or bundle title, or an 编制说明 heading: a year next to 预算 / 决算 / 绩效目标 / 编制说明.
_YEAR_ON_COVER = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,40}?(?:预算|决算|绩效目标|编制说明)")

#: Where a document's fiscal year was read, strongest evidence first.
FISCAL_YEAR_SOURCES = ("title", "cover", "编制说明", "file_name")


def fiscal_year_with_source(title: str | None, file_name: str, lines: list[SourceLine] = ()) -> tuple[int | None, str | None]:
    """The fiscal year and where it was read: ``(year, source)``, or ``(None, None)`` when nothing says it.

    Evidence, strongest first (:data:`FISCAL_YEAR_SOURCES`): the form's title
    (:func:`fiscal_year_from_title`); a cover or bundle title before the table
    (``广州市XX局2024年部门预算``, any line before the first 部门名称 / 项目名称
    line); an 编制说明 line anywhere (``2024年部门预算编制说明``); the file name
    (``2024年XX项目支出绩效目标表.pdf``, ``xx_2024.txt``; never digits inside a
    hash). Years inside the table (``2023年内播出`` as a target) are not evidence.
    """
    year = fiscal_year_from_title(title)
    if year is not None:
        return year, "title"
    before_table = []
    for line in lines:
        if line.text.strip().startswith(("部门名称", "项目名称")):
            break
        before_table.append(line.text)
    for source, texts in (("cover", before_table), ("编制说明", [ln.text for ln in lines if "编制说明" in ln.text])):
        for text in texts:
            match = _YEAR_ON_COVER.search(text)
            if match:
                return int(match.group(1)), source
    match = _YEAR_IN_FILE_NAME.search(file_name.rsplit("/", 1)[-1])
    if match:
        return int(match.group(1)), "file_name"
    return None, None


def find_department(lines: list[SourceLine]) -> tuple[str | None, list[ParseEvent]]:
    """The 部门名称 of the document, trimmed, and an event if it was normalised.

    Reads the first ``部门名称：X`` (a trailing ``单位：万元`` on the same line
    and tab-separated neighbour cells are ignored). Decision: a trailing
    ``（部门）`` is the form's level marker (部门 vs 单位), not part of the
    name, so it is removed — ``中共广州市黄埔区委员会宣传部（部门）`` →
    ``中共广州市黄埔区委员会宣传部`` — and a ``department_name_normalised``
    event keeps the text as written. Returns ``(None, [])`` when absent.
    """
    for line in lines:
        for cell in line.text.split("\t"):
            match = _DEPARTMENT.search(cell.strip())
            if not match:
                continue
            written = normalise_spaces(match.group("name"))
            name = _DEPARTMENT_FORM_SUFFIX.sub("", written)
            events = []
            if name != written:
                events.append(
                    ParseEvent(
                        kind="department_name_normalised",
                        detail=f"部门名称 written as {written!r}; the form marker （部门） was removed → {name!r}",
                        source_line=line.number,
                    )
                )
            return (name or None), events
    return None, []
