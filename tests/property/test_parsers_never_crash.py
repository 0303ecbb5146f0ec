"""Property-based tests: arbitrary input never crashes or hangs the parsers.

- ``parse_document`` raises nothing but :class:`ParseError`, on arbitrary
  bytes, on text assembled from the form's own vocabulary (titles, headers,
  tabs, amounts, numbered indicators — far more likely to reach deep code
  than random bytes), and on damaged copies of a real PDF;
- ``parse_target`` never raises;
- every example finishes within ``PER_EXAMPLE_SECONDS`` (a SIGALRM timer
  turns a hang into a failure with the input shown).

Deterministic (``derandomize=True``) and modest in size, so the suite stays
fast on 2 cores.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.parsing import ParseError, parse_document, parse_target
from orchestration.parsing.targets import COMPARATORS, DIMENSIONS, QUALITATIVE_CLASSES
from orchestration.parsing.formats.pdf_ocr import OcrDeferred, defer_ocr
from tests.bad_input.corpus import GOAL, INDICATOR, sample_pdf

PER_EXAMPLE_SECONDS = 5
COMMON = dict(derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Hang(AssertionError):
    pass


@contextmanager
def time_limit(seconds: float):
    def _raise(signum, frame):
        raise Hang(f"no result within {seconds} s: the parser hangs on this input")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parses_or_parse_error(data: bytes, name: str) -> None:
    """Parse as a text parse worker does: a page that needs OCR (no text layer, or a garbled one, as damaged
    bytes often give) stops the parse with ``OcrDeferred`` before recognition (that document goes to the OCR
    pool, whose own budget bounds it); anything else must parse or raise a ``ParseError`` naming the file."""
    defer_ocr(True)
    try:
        with time_limit(PER_EXAMPLE_SECONDS):
            try:
                parse_document(data, name)
            except OcrDeferred as deferred:
                assert deferred.pages
            except ParseError as error:
                assert str(error).startswith(f"{name}: ")
    finally:
        defer_ocr(False)


# -- arbitrary bytes ---------------------------------------------------------

@settings(max_examples=300, **COMMON)
@given(data=st.binary(max_size=4096), name=st.sampled_from(["x.txt", "x.pdf", "x.tsv"]))
def test_arbitrary_bytes(data, name):
    parses_or_parse_error(data, name)


# -- text in the form's vocabulary -------------------------------------------

TOKENS = [
    "广州市测试局2024年项目支出绩效目标表", "部门整体绩效目标", "部门名称：广州市测试局", "单位：万元",
    "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
    "项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标", "合计", "绩效指标",
    "广州市测试局本级", "培训经费", "  培训经费", "\t", " ", "\n", "\n\n\n", "\r\n", "1,234.56", "100.00", "(12.00)",
    "-", "—", "１２．００", "0.00", GOAL, INDICATOR, "1、", "2、1-产出指标；", "11-数量指标；", "实施周期指标值：",
    "年度指标值：", "≥95%", "100%", "。", "；", "任务1：", "一级指标\t二级指标\t三级指标\t指标解释\t指标说明及公式\t预期指标\t计算单位",
    "产出指标\t数量指标\t", "元", "\ufeff", "\x00", "😀", "'", "\"",
]


@settings(max_examples=300, **COMMON)
@given(parts=st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=60),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_text_in_the_forms_vocabulary(parts, encoding):
    text = "".join(parts)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    parses_or_parse_error(data, "form.txt")


@settings(max_examples=200, **COMMON)
@given(rows=st.lists(st.lists(st.sampled_from(TOKENS[6:30]), min_size=1, max_size=8).map("\t".join),
                     max_size=12))
def test_tab_separated_tables(rows):
    head = "广州市测试局2024年项目支出绩效目标表\n部门名称：广州市测试局\n单位：万元\n" + TOKENS[4] + "\n"
    parses_or_parse_error((head + "\n".join(rows)).encode(), "table.tsv")


# -- damaged PDFs ----------------------------------------------------------------

PDF = sample_pdf()


@settings(max_examples=60, **COMMON)
@given(edits=st.lists(st.tuples(st.integers(0, len(PDF) - 1), st.binary(min_size=1, max_size=16)),
                      min_size=1, max_size=6),
       cut=st.one_of(st.none(), st.integers(0, len(PDF))))
def test_damaged_pdf(edits, cut):
    data = bytearray(PDF)
    for offset, patch in edits:
        data[offset:offset + len(patch)] = patch
    if cut is not None:
        data = data[:cut] + b"\n%%EOF\n"  # truncated but with an end marker: reaches pdfminer
    parses_or_parse_error(bytes(data), "damaged.pdf")


# -- target values -------------------------------------------------------------

TARGET_TOKENS = ["≥", "≤", ">", "<", "=", "大于等于", "不少于", "以上", "以下", "超过", "不满", "约", "达到", "%", "％",
                 "万", "亿", "人次", "元", "万元", "年", "月", "日", "2024年12月31日", "-", "~", "至", "1", "0", "99.5",
                 "１２３", ".", ",", "，", "、", "；", "（", "）", "(", ")", "较上年增加", "合格", "满意", " ", "\n"]


@settings(max_examples=300, **COMMON)
@given(text=st.one_of(st.text(max_size=200),
                      st.lists(st.sampled_from(TARGET_TOKENS), max_size=30).map("".join)))
def test_parse_target_never_raises(text):
    """Never raises, and every result is decided and self-consistent (the value is never ``None``: its fields are checked)."""
    with time_limit(PER_EXAMPLE_SECONDS):
        value = parse_target(text)
    assert value.is_quantitative is (value.qualitative_class is None), value
    assert value.comparator in COMPARATORS, value
    if value.is_quantitative:
        assert value.dimension in DIMENSIONS, value
        assert value.value is not None or value.deadline is not None or value.dimension == "date", value
    else:
        assert value.qualitative_class in QUALITATIVE_CLASSES and value.dimension is None, value
    assert value.value_upper is None or value.value is not None, value  # a range has its lower end as written
