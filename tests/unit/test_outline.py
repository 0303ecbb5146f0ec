"""The 类/款/项 levels of a class table printed with names only, read from its sums (parsing/readers/outline.py)."""

from decimal import Decimal as D

from orchestration.parsing.readers.outline import infer_levels


def _d(*values: str) -> list[D]:
    return [D(v) for v in values]


def test_three_levels_with_a_repeated_amount():
    # 类 12,868.19 = 款 0.19 + 款 12,868.00; each 款 = its one 项 (杭州 司法局 表5's first class)
    outline = infer_levels(_d("12868.19", "0.19", "0.19", "12868.00", "12868.00"), D("12868.19"))
    assert outline is not None and outline.depth == 3
    assert outline.levels == [1, 2, 3, 2, 3]


def test_two_levels_when_three_do_not_add_up():
    # an 经济分类 table: 301 = 30101 + 30102, 302 = 30201; 合计 = 301 + 302
    outline = infer_levels(_d("300.00", "100.00", "200.00", "50.00", "50.00"), D("350.00"))
    assert outline is not None and (outline.depth, outline.levels) == (2, [1, 2, 2, 1, 2])


def test_rounding_of_the_printed_digits_is_allowed():
    # three 项 printed to 0.01 万元 whose exact sum printed as 1.00: 0.33 + 0.33 + 0.33 = 0.99
    outline = infer_levels(_d("1.00", "1.00", "0.33", "0.33", "0.33"), D("1.00"))
    assert outline is not None and outline.levels == [1, 2, 3, 3, 3]


def test_no_reading_and_two_readings_give_none():
    assert infer_levels(_d("10.00", "3.00", "3.00"), D("10.00")) is None  # no tree sums to 10
    # six rows of 0.00: 类 › 款 › 项 ×4, or two 类 of three rows each, … — several readings, none chosen
    assert infer_levels(_d("0.00", "0.00", "0.00", "0.00", "0.00", "0.00"), D("0.00")) is None
