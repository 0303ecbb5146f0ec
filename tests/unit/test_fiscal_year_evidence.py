"""The fiscal year from other evidence than the title, with its source (and never from a hash or the table)."""

from __future__ import annotations

import pytest

from orchestration.parsing import parse_document
from orchestration.parsing.text_common import fiscal_year_with_source, split_lines
from tests.conftest import SAMPLES_DIR

TABLE = "部门名称：广州市测试局\n项目名称（资金使用单位）\t总计\n培训\t2023年内完成\n"


@pytest.mark.parametrize(
    ("title", "file_name", "text", "expected"),
    [
        ("广州市测试局2024年项目支出绩效目标表", "x_2022.txt", "", (2024, "title")),
        ("项目支出绩效目标表", "a.txt", "广州市测试局2025年部门预算\n" + TABLE, (2025, "cover")),
        ("项目支出绩效目标表", "a.txt", TABLE + "广州市测试局2026年度部门预算编制说明\n", (2026, "编制说明")),
        ("项目支出绩效目标表", "2023年测试局项目支出绩效目标表.txt", TABLE, (2023, "file_name")),
        ("项目支出绩效目标表", "targets_2021.pdf", TABLE, (2021, "file_name")),
        # no evidence: digits inside a content hash, a year inside the table's content
        ("项目支出绩效目标表", "000_26deb59209c0fd2c.txt", TABLE, (None, None)),
        ("项目支出绩效目标表", "f20240b.txt", TABLE, (None, None)),
    ],
)
def test_fiscal_year_with_source(title, file_name, text, expected):
    assert fiscal_year_with_source(title, file_name, split_lines(text)) == expected


def test_a_sample_without_a_year_says_so_and_a_renamed_copy_takes_the_file_name():
    data = (SAMPLES_DIR / "000_26deb59209c0fd2c.txt").read_bytes()
    plain = parse_document(data, "000_26deb59209c0fd2c.txt")
    assert (plain.fiscal_year, plain.fiscal_year_source) == (None, None)
    renamed = parse_document(data, "番禺区委宣传部2024年项目支出绩效目标表.txt")
    assert (renamed.fiscal_year, renamed.fiscal_year_source) == (2024, "file_name")
    titled = parse_document((SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt").read_bytes(), "004.txt")
    assert (titled.fiscal_year, titled.fiscal_year_source) == (2024, "title")
    pdf = parse_document((SAMPLES_DIR / "003_cd7a85ae5b49b932.pdf").read_bytes(), "003.pdf")
    assert (pdf.fiscal_year, pdf.fiscal_year_source) == (2024, "title")
