"""Normalize one performance-target text (实施周期指标值 / 年度指标值) into a :class:`TargetValue`.

Pure Python, no Dagster, no I/O: :func:`parse_target` is used for the project
indicators (``records.PerformanceIndicator``) and is meant to be reused as is
for the indicators of the department-wide document (部门整体绩效目标).

What comes out
--------------
``不少于4场`` → comparator ``ge``, value 4, unit ``场`` (count);
``10万人次以上`` → ``ge`` 10 ``万人次`` → normalized unit ``人次``, scale 10,000;
``超50亿元`` → ``gt`` 50 ``亿元`` → ``元`` (money), scale 100,000,000;
``标准：控制数`` → no value, qualitative class ``control_figure``, flag ``is_control_figure``;
``合规`` → qualitative class ``compliance``; ``提升`` → ``improvement``, flag ``is_vague``.

Every text is either quantitative (a comparator other than ``none``) or gets
a named qualitative class (:data:`QUALITATIVE_CLASSES`); ``unclassified`` is
the honest remainder — the raw text is always kept by the caller and such
values are counted in the marts, never dropped.

Comparators (rule source: the wording of the targets themselves; readings of
以上/以下/以内/超过/不满 from 《中华人民共和国民法典》第一千二百五十九条:
"民法所称的'以上'、'以下'、'以内'、'届满'，包括本数；所称的'不满'、'超过'、'以外'，
不包括本数" — the same reading as 刑法第九十九条 for 以上/以下/以内)
---------------------------------------------------------------------------
==========  ==================================================================
``ge``      不少于 不低于 不小于 不得少于 不得低于 至少 最少 大于等于 大于或等于
            ≥ ≧ >= ＞= (full-width is folded by NFKC); suffix 以上 / 及以上
            (inclusive, legal reading); suffix ``+`` at the end (``10万+``);
            达到 / 达 (a level to reach is met by any value at or above it).
``gt``      超过 超 多于 高于 大于 > ＞; suffix 多 / 余 (``20多个``).
            超过 is exclusive (legal reading).
``le``      不超过 不得超过 不高于 不多于 不大于 小于等于 小于或等于 至多 最多
            控制在 ≤ ≦ <=; suffix 以下 / 及以下 / 以内 / 之内 (inclusive, legal
            reading); suffix 内 after a duration (``2小时内``); a date followed
            by 前 / 之前 / 底 (``3月底前``).
``lt``      低于 少于 小于 不足 不满 未满 < ＜ (不满 is exclusive, legal reading).
``eq``      a bare number (``100%``, ``365期``), 为 / 等于 / = before the number.
``approx``  约 大约 近 before, 左右 after.
``range``   ``X-Y``, ``X~Y``, ``X至Y``, ``X到Y`` (value and value_upper).
``none``    qualitative: no number that answers the indicator.
==========  ==================================================================

A number counts only when it carries a comparator or a known unit, or is the
whole text: ``12380举报受理`` (a hotline), ``10万+拳头产品`` (a qualifier),
``103周年`` and years (``2023年``) are not targets. Chinese numerals are read
only right after a comparator (``至少一部`` → ge 1 部). A relative change
(``提升5%``, ``较2023年增加5%``) keeps the comparator of its wording (``eq`` when
none) and sets ``is_relative_change``. When a text holds several targets
(``全网大于等于99.9%且单站大于等于96%``) the first one is kept and
``has_multiple_values`` is set.

Units: ``unit`` is as written (``万人次``, ``个小时``, ``元/人次``);
``unit_normalized`` drops the scale prefix and classifier noise (``人次``,
``小时``); ``dimension`` is one of :data:`DIMENSIONS`; ``scale_factor`` is the
multiplier implied by 万/千/百万/千万/亿 (so ``value × scale_factor`` is in
``unit_normalized``). Durations are not converted between units (a 工作日 is
not a day). Dates are ISO 8601 in ``deadline`` (``2023-12-31``, or
``--03-31`` for a recurring month-day without a year) with ``value`` NULL.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from .vocabulary import TARGET_VALUE_PLACEHOLDERS

#: comparator code → (Chinese label, meaning)
COMPARATORS: dict[str, str] = {
    "ge": "≥ 不少于/以上",
    "gt": "> 超过/高于",
    "le": "≤ 不超过/以下/以内",
    "lt": "< 低于/不满",
    "eq": "= 等于",
    "approx": "≈ 约",
    "range": "X–Y 区间",
    "none": "定性 qualitative",
}

#: dimension code → Chinese label
DIMENSIONS: dict[str, str] = {
    "count": "数量",
    "percent": "百分比",
    "money": "金额",
    "duration": "时长",
    "area": "面积",
    "date": "日期",
    "score": "分值",
    "number": "无单位数值",
}

#: qualitative class code → Chinese label. Order of the rules: see ``_QUALITATIVE_RULES``.
QUALITATIVE_CLASSES: dict[str, str] = {
    "missing": "缺失 (空值)",
    "classified": "保密",
    "placeholder": "占位符",
    "control_figure": "控制数/计划数",
    "formula": "计算公式",
    "as_actual": "按实际",
    "metric_name": "指标名称复述",
    "no_incident": "零事故/无差错",
    "within_budget": "不超预算",
    "satisfaction": "满意",
    "full_coverage": "全覆盖",
    "timeliness": "及时",
    "compliance": "合规/达标",
    "completion": "完成",
    "normal_operation": "正常运行",
    "scope_level": "级别/范围",
    "affirmative": "是/良好",
    "improvement": "提升 (模糊)",
    "social_effect": "社会效果",
    "activity_statement": "工作任务描述",
    "unclassified": "未分类",
}


@dataclass(frozen=True)
class TargetValue:
    """One normalized target. Field order is the column order in staging.

    - ``comparator``: a key of :data:`COMPARATORS` (``none`` when qualitative).
    - ``value`` / ``value_upper``: the number as written (``10`` for ``10万人次``),
      ``value_upper`` only for ranges; ``None`` when qualitative or a date.
    - ``unit``: as written, scale prefix included (``万人次``, ``%``, ``元/人次``).
    - ``unit_normalized``: ``人次``, ``percent``, ``元``, ``平方米``, ``hour``…;
      ``None`` for a bare number (``≥90``) or a bare scale (``21万``).
    - ``dimension``: a key of :data:`DIMENSIONS`, ``None`` when qualitative.
    - ``scale_factor``: 1, 1e3, 1e4, 1e6, 1e7 or 1e8; ``None`` when qualitative.
    - ``deadline``: ISO 8601 date for dimension ``date``.
    - ``matched_text``: the substring read as the target (audit).
    - ``qualitative_class``: a key of :data:`QUALITATIVE_CLASSES` when not quantitative.
    - flags: ``is_vague`` (improvement wording without a level), ``is_control_figure``
      (控制数/年度计划数), ``is_placeholder`` (empty, 保密项目, ``/``…),
      ``is_non_answer`` (a formula, the indicator's name, or a sentence about work
      instead of a level), ``is_relative_change`` (提升5%), ``has_multiple_values``,
      ``has_extra_text`` (the target stands inside a longer text).
    """

    comparator: str = "none"
    value: float | None = None
    value_upper: float | None = None
    unit: str | None = None
    unit_normalized: str | None = None
    dimension: str | None = None
    scale_factor: float | None = None
    deadline: str | None = None
    matched_text: str | None = None
    is_quantitative: bool = False
    qualitative_class: str | None = None
    is_vague: bool = False
    is_control_figure: bool = False
    is_placeholder: bool = False
    is_non_answer: bool = False
    is_relative_change: bool = False
    has_multiple_values: bool = False
    has_extra_text: bool = False


# --------------------------------------------------------------------------- units

_SCALES: dict[str, float] = {"千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3}

# unit as written (without scale prefix) → (normalized unit, dimension)
_UNITS: dict[str, tuple[str, str]] = {
    # percent
    "%": ("percent", "percent"),
    "个百分点": ("percentage_point", "percent"),
    "百分点": ("percentage_point", "percent"),
    # money
    "元": ("元", "money"),
    # area
    "平方米": ("平方米", "area"),
    "平米": ("平方米", "area"),
    "m2": ("平方米", "area"),
    "平方公里": ("平方公里", "area"),
    "亩": ("亩", "area"),
    # duration
    "个工作日": ("working_day", "duration"),
    "工作日": ("working_day", "duration"),
    "个小时": ("hour", "duration"),
    "小时": ("hour", "duration"),
    "分钟": ("minute", "duration"),
    "秒": ("second", "duration"),
    "s": ("second", "duration"),
    "天": ("day", "duration"),
    "个月": ("month", "duration"),
    "个季度": ("quarter", "duration"),
    "季度": ("quarter", "duration"),
    "周": ("week", "duration"),
    "年": ("year", "duration"),
    "个学时": ("class_hour", "duration"),
    "学时": ("class_hour", "duration"),
    "课时": ("class_hour", "duration"),
    # score
    "分": ("point", "score"),
}
# count classifiers: normalized to themselves, except the listed synonyms
_COUNT_UNITS: dict[str, str] = {
    u: u
    for u in (
        "人次 篇次 条次 户次 家次 批次 人 名 个 场 次 期 篇 条 份 家 台 本 集 册 支 件 部 幅 套 户 辆 批 起 所 项 处 位 组 张 间 座 "
        "门 课 讲 届 轮 号 页 字 分钟".split()
    )
    if u not in _UNITS
}
_COUNT_UNITS.update({"场次": "场", "个案例": "个", "人/次": "人次"})

_RATE_PER = "年|月|日|天|周|季度|人次|人|次|场"
#: Units that are not units (``103周年``): the number is not a target.
_BLOCKED_UNIT_WORDS = ("周年", "号线")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_UNIT_RE = _alternation([*_UNITS, *_COUNT_UNITS])
_SCALE_RE = _alternation(_SCALES)

# --------------------------------------------------------------------------- comparators

_PREFIX: dict[str, str] = {}
for _words, _cmp in (
    ("不少于 不低于 不小于 不得少于 不得低于 至少 最少 大于等于 大于或等于 高于或等于 ≥ ≧ >= 达到 达", "ge"),
    ("超过 超 多于 高于 大于 >", "gt"),
    ("不超过 不得超过 不高于 不多于 不大于 小于等于 小于或等于 低于或等于 至多 最多 控制在 ≤ ≦ <=", "le"),
    ("低于 少于 小于 不足 不满 未满 <", "lt"),
    ("为 等于 =", "eq"),
    ("约 大约 近", "approx"),
    ("提升 提高 增加 增长 上涨 减少 下降 降低", "relative"),
):
    for _w in _words.split():
        _PREFIX[_w] = _cmp

_SUFFIX: dict[str, str] = {
    "及以上": "ge",
    "以上": "ge",
    "及以下": "le",
    "以下": "le",
    "以内": "le",
    "之内": "le",
    "内": "le_duration",  # only after a duration or date
    "左右": "approx",
    "+": "ge_end",  # only at the end of a clause (10万+ before a noun is a qualifier)
}

_NUM = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = r"[一二两三四五六七八九十]{1,3}"
#: Chinese numerals are read after a comparator, or after one of these (每季度一册).
_FREQUENCY_WORDS = ("每月", "每年", "每周", "每天", "全年", "季度", "精选")

_TARGET_RE = re.compile(
    rf"(?P<pre>{_alternation(_PREFIX)})?\s*"
    rf"(?:(?P<num>{_NUM})|(?P<cnnum>(?:(?<=[于少达到多过超])|(?<=每月|每年|每周|每天|全年|季度|精选))(?:{_CN_NUM})))"
    rf"\s*(?P<more>多|余)?\s*(?P<scale1>{_SCALE_RE})?(?P<unit1>{_UNIT_RE})?"
    rf"(?:\s*(?P<sep>-|~|至|到|—|–)\s*(?P<num2>{_NUM})\s*(?P<scale2>{_SCALE_RE})?(?P<unit2>{_UNIT_RE})?)?"
    rf"(?P<rate>/(?:{_RATE_PER}))?"
    rf"\s*(?P<suf>{_alternation(_SUFFIX)})?",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- dates

_DATE_MD_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>1[0-2]|0?[1-9])月"
    r"(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号]|(?P<end>底|末))?(?P<before>之前|以前|前)?"
)
_DATE_Y_RE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<how>内|底前|底|末|年底前|前)")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:年度?|年)")

# --------------------------------------------------------------------------- qualitative rules

_LABEL_RE = re.compile(r"^(?:标准|标椎|目标值|指标值|目标)\s*:\s*")
_FORMULA_RE = re.compile(r"÷|[*×x]\s*100\s*%|/.*\*\s*100|百分比$")
_METRIC_NOUN_RE = re.compile(r"(次数|数量|人数|期数|集数|粉丝数|播放量|百分比|场次/年|场次)")
_METRIC_END_RE = re.compile(r"(情况|时效性|及时性|质量|影响|能力|水平|满意度|问卷|场景|数)$")
_ACTION_START_RE = re.compile(r"^(进一步|持续|不断|提升|提高|加强|增强|优化|确保|保障|保证|完成|做好|推动|推进)")
_VAGUE_RE = re.compile(
    r"提升|提高|增强|加强|优化|改善|改进|促进|推动|推进|深化|进一步|(?<!可)持续|不断|有所|有效|显著|明显|日益|逐步|稳步|"
    r"扩大|营造|丰富|弘扬|更多|更加|更好"
)
_SENTENCE_PUNCT_RE = re.compile(r"[,，。;；]")

_AS_ACTUAL_RE = re.compile(r"^(按|根据)(市|省|上级)?(实际|补助)")

#: Ordered rules ``(class, pattern, max_length)``: the first match names the class.
#: Placeholders, control figures, formulas, 按实际 and restated indicator names are
#: decided before these (they say the value is missing or not an answer); then
#: outcome words from specific to general; ``activity_statement`` last.
_QUALITATIVE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("no_incident", re.compile(r"^无$|(无|零|0|未|不)(发生)?[^,，。;；]{0,8}(事故|差错|错误|错漏|投诉|损失|停播)|事故.{0,4}(为0|为零)"), 99),
    ("within_budget", re.compile(r"不超支|不超预算|预算内|超预算"), 99),
    ("satisfaction", re.compile(r"满意"), 99),
    ("full_coverage", re.compile(r"全覆盖|覆盖全|全面覆盖|全员"), 99),
    ("timeliness", re.compile(r"及时|按时|准时|如期|按期|当天|第一时间|时限|限时|定时"), 99),
    ("compliance", re.compile(r"合规|规范|符合|按规定|按程序|按要求|按照要求|达标|标准|满足|合理|按合同|约定|严格执行|合格|依法|无误|准确|要求"), 99),
    ("completion", re.compile(r"完成|顺利|通过(考核|验收|审核|评审)|圆满|落实|办结|到位|目的"), 99),
    (
        "improvement",
        re.compile(r"提升|提高|增强|加强|优化|改善|改进|促进|推动|推进|深化|进一步|日益|有所|(?<!可)持续|不断|丰富|更多|更加|更好"),
        99,
    ),
    ("normal_operation", re.compile(r"正常|运转|运行|运作|畅通|继续使用|常态化|有序"), 99),
    ("scope_level", re.compile(r"级以上|国家级|省级|市级|区级|境外|海外|名次|首个|正高级"), 14),
    ("affirmative", re.compile(r"^(是|有|良好|优秀|优|好|较好|正面效应|正面)$"), 99),
    ("social_effect", re.compile(r"效益|氛围|文明|可持续|惠民|艺术|影响力|形象|知名度|美誉度|精神|发展|环境|作用|纽带"), 99),
    (
        "activity_statement",
        re.compile(
            r"开展|举办|做好|完善|建设|建立|构建|打造|实现|保障|保证|确保|修缮|新建|投放|拍摄|制作|录用|征订|召开|组织|摸查|"
            r"配备|安排|推出|编印|宣传|报道|关注|引领|总结|规避|聚焦|推荐|入手|培养|纳入|纳管|设置|报告|维护|支付|发放|"
            r"补助|搭建|形成|展现|展示|激发|围绕|结合|策划|放映|招聘|调训|走访|引导|反映|节约|应对|讲好|更新|合作"
        ),
        99,
    ),
)


# --------------------------------------------------------------------------- API


def normalize_target_text(text: str) -> str:
    """NFKC-fold a target text (full-width ``＞＝％：`` → ``>=%:``), trim it and
    drop trailing 。/；/whitespace. Internal whitespace runs become one space."""
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"\s+", " ", folded).strip()
    return folded.rstrip("。.;；, ").strip()


def parse_target(text: str | None, *, indicator_name: str | None = None) -> TargetValue:
    """Parse one target text into a :class:`TargetValue`; never raises.

    ``text`` is the raw 实施周期指标值 / 年度指标值 cell (any width of
    punctuation; ``None`` or blank gives class ``missing``).
    ``indicator_name`` (三级指标), when given, lets a value that merely repeats
    the indicator's name be flagged ``is_non_answer`` (its class stays what the
    words say).

    Steps (first that applies wins): empty → ``missing``; 保密 → ``classified``;
    ``/``, ``待定``… → ``placeholder``; 控制数/计划数 → ``control_figure``;
    a formula (``÷``, ``*100%``) → ``formula``; a target expression (comparator,
    number, unit, or a date) → quantitative; otherwise the qualitative rules
    of this module (see :data:`QUALITATIVE_CLASSES`). Comparator and unit
    rules are in the module docstring.
    """
    if text is None or not text.strip():
        return TargetValue(qualitative_class="missing", is_placeholder=True)
    s = _LABEL_RE.sub("", normalize_target_text(text))
    if not s:
        return TargetValue(qualitative_class="missing", is_placeholder=True)
    if "保密" in s and len(s) <= 8:
        return TargetValue(qualitative_class="classified", is_placeholder=True)
    if s.lower() in TARGET_VALUE_PLACEHOLDERS:
        return TargetValue(qualitative_class="placeholder", is_placeholder=True)
    if re.search(r"控制数|计划数", s) and not re.search(r"\d", s):
        return TargetValue(qualitative_class="control_figure", is_control_figure=True)
    if _FORMULA_RE.search(s):
        return TargetValue(qualitative_class="formula", is_non_answer=True)

    candidates = _date_candidates(s) + _number_candidates(s)
    if candidates:
        candidates.sort(key=lambda c: c[0])
        start, end, found = candidates[0]
        return TargetValue(
            **found,
            matched_text=s[start:end].strip(),
            is_quantitative=True,
            has_multiple_values=len(candidates) > 1,
            has_extra_text=_has_extra_text(s, start, end),
        )
    return _qualitative(s, indicator_name)


def classify_qualitative(text: str, *, indicator_name: str | None = None) -> str:
    """The qualitative class code of ``text`` ignoring any number in it (for audits)."""
    return _qualitative(normalize_target_text(text), indicator_name).qualitative_class or "unclassified"


# --------------------------------------------------------------------------- internals


def _qualitative(s: str, indicator_name: str | None) -> TargetValue:
    is_vague = bool(_VAGUE_RE.search(s))
    # A value that repeats its indicator's name adds nothing (seed 000: 营造良好的社会氛围 /
    # 营造良好的社会氛围): a non-answer, but it keeps the class of what it says.
    echoes_name = bool(indicator_name) and normalize_target_text(indicator_name) == s
    is_sentence = bool(_SENTENCE_PUNCT_RE.search(s)) or len(s) >= 16 or echoes_name
    if _AS_ACTUAL_RE.search(s):
        return TargetValue(qualitative_class="as_actual", is_non_answer=is_sentence)
    if _is_metric_name(s):
        return TargetValue(qualitative_class="metric_name", is_non_answer=True)
    for name, pattern, max_length in _QUALITATIVE_RULES:
        if len(s) <= max_length and pattern.search(s):
            non_answer = is_sentence or name == "activity_statement"
            return TargetValue(qualitative_class=name, is_vague=is_vague, is_non_answer=non_answer)
    return TargetValue(qualitative_class="unclassified", is_vague=is_vague, is_non_answer=is_sentence)


def _is_metric_name(s: str) -> bool:
    """A value that names a measure instead of giving its level (``放映场次数量``)."""
    if re.search(r"\d|完成|确保|保障", s) or len(s) > 40:
        return False
    if _METRIC_NOUN_RE.search(s):
        return not _ACTION_START_RE.search(s) or _METRIC_END_RE.search(s) is not None
    return bool(_METRIC_END_RE.search(s)) and not _ACTION_START_RE.search(s) and not _VAGUE_RE.search(s)


def _has_extra_text(s: str, start: int, end: int) -> bool:
    rest = (s[:start] + s[end:]).strip()
    rest = re.sub(r"^(全年|累计|每年|年度|平均)", "", rest)
    return bool(re.sub(r"[\s,，。;；:：()（）]", "", rest))


def _to_float(number: str) -> float:
    return float(number.replace(",", ""))


def _cn_to_int(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS[text]


def _mask(s: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(s)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = "\u3000"  # a blank that no pattern reads
    return "".join(chars)


def _date_candidates(s: str) -> list[tuple[int, int, dict]]:
    found: list[tuple[int, int, dict]] = []
    for m in _DATE_MD_RE.finditer(s):
        if not (m["d"] or m["end"] or m["before"]):
            continue
        year = int(m["y"]) if m["y"] else None
        month = int(m["m"])
        day = int(m["d"]) if m["d"] else calendar.monthrange(year or 2001, month)[1]
        iso = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        comparator = "le" if (m["before"] or m["end"]) else "eq"
        found.append((m.start(), m.end(), _date_fields(comparator, iso)))
    for m in _DATE_Y_RE.finditer(s):
        if any(a <= m.start() < b for a, b, _ in found):
            continue
        found.append((m.start(), m.end(), _date_fields("le", f"{m['y']}-12-31")))
    return found


def _date_fields(comparator: str, iso: str) -> dict:
    return {
        "comparator": comparator,
        "unit": "日期",
        "unit_normalized": "date",
        "dimension": "date",
        "scale_factor": 1.0,
        "deadline": iso,
    }


def _number_candidates(s: str) -> list[tuple[int, int, dict]]:
    masked = _mask(s, [(a, b) for a, b, _ in _date_candidates(s)])
    masked = _YEAR_RE.sub(lambda m: "\u3000" * len(m[0]), masked)
    whole = masked.strip()
    found: list[tuple[int, int, dict]] = []
    for m in _TARGET_RE.finditer(masked):
        fields = _read_match(m, masked, whole)
        if fields is not None:
            found.append((m.start(), m.end(), fields))
    return found


def _read_match(m: re.Match[str], s: str, whole: str) -> dict | None:
    after = s[m.end():]
    unit_written = m["unit2"] or m["unit1"]
    scale_written = m["scale2"] or m["scale1"]
    number_end = m.end("num") if m["num"] else m.end("cnnum")
    if s[number_end:].lstrip().startswith(_BLOCKED_UNIT_WORDS):
        return None

    prefix = _PREFIX.get(m["pre"]) if m["pre"] else None
    suffix = _SUFFIX.get(m["suf"]) if m["suf"] else None

    unit_key = unit_written.lower() if unit_written and unit_written.isascii() else unit_written
    if unit_key in _UNITS:
        unit_normalized, dimension = _UNITS[unit_key]
    elif unit_key in _COUNT_UNITS:
        unit_normalized, dimension = _COUNT_UNITS[unit_key], "count"
    else:
        unit_normalized, dimension = None, "number"
    if unit_normalized == "year" and scale_written:
        return None
    if m["rate"]:
        unit_normalized = f"{unit_normalized or ''}{m['rate']}"

    # '+' counts only at the end of a clause; '内' only after a duration.
    if suffix == "ge_end":
        suffix = "ge" if re.match(r"\s*($|[,，。;；、)）])", after) else None
        if suffix is None and not prefix:
            return None
    if suffix == "le_duration":
        suffix = "le" if dimension == "duration" else None

    bare_whole = m.group(0).strip() == whole
    if not (prefix or suffix or m["more"] or unit_written or scale_written or bare_whole):
        return None
    if m["num"] is None and not (prefix or (unit_written and s[m.start("cnnum") - 2:m.start("cnnum")] in _FREQUENCY_WORDS)):
        return None
    if re.match(r"[A-Za-z]", after) and not unit_written:
        return None

    value = _to_float(m["num"]) if m["num"] else float(_cn_to_int(m["cnnum"]))
    value_upper = _to_float(m["num2"]) if m["num2"] else None
    is_relative = prefix == "relative"
    if is_relative:
        prefix = None
    if value_upper is not None:
        comparator = "range"
    elif prefix:
        comparator = prefix
    elif suffix:
        comparator = suffix
    elif m["more"]:
        comparator = "gt"
    else:
        comparator = "eq"
    unit_full = f"{scale_written or ''}{unit_written or ''}{m['rate'] or ''}" or None
    return {
        "comparator": comparator,
        "value": value,
        "value_upper": value_upper,
        "unit": unit_full,
        "unit_normalized": unit_normalized,
        "dimension": dimension,
        "scale_factor": _SCALES.get(scale_written, 1.0) if scale_written else 1.0,
        "is_relative_change": is_relative,
    }
