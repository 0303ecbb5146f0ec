"""National grid templates as plain text (``../shared/realdocs/target-tables/*.txt``): refused with a reason
that names the template found and asks for the original file, never the 广州 text layout's header complaint.

The same tables built as PDF, XLSX, DOCX and HTML are read by the grid reader (tests/unit/test_grid_targets.py).
"""

from __future__ import annotations

import pytest

from orchestration.parsing import ParseError, parse_document
from tests.bundles import REALDOCS

TARGET_TABLES = REALDOCS / "target-tables"

#: file → (template named in the reason, how the columns were lost)
EXPECTED = {
    "hubei-ezhou_2022_single-project-form-docx.txt": ("项目支出绩效目标申报表", "run together without any separator"),
    "hubei-guangshui-zhengfuban_2021_department-wide-form.txt": ("部门整体支出绩效目标申报表", "reading order"),
    "hunan-xiangtan-huanwei_2023_single-project-form.txt": ("项目支出绩效目标申报表", "separated by '|'"),
    "sichuan-jingyan-matazhen_2023_multi-project-grid.txt": ("部门预算项目绩效目标申报表 (national multi-project grid",
                                                             "separated by '|'"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_text_extract_is_refused_naming_its_template(name):
    path = TARGET_TABLES / name
    if not path.is_file():
        pytest.skip(f"real document {path} not found (set REALDOCS_DIR to the realdocs folder)")
    template, how = EXPECTED[name]
    with pytest.raises(ParseError) as caught:
        parse_document(path.read_bytes(), name)
    reason = str(caught.value)
    assert reason.startswith(f"{name}: national grid template {template}")
    assert "as plain text" in reason and how in reason
    assert "Provide the original PDF, XLSX, XLS, DOCX or HTML file" in reason
    assert "no column header line" not in reason and "neither title appears" not in reason


def test_other_text_keeps_its_reason():
    """Text holding no national template is refused as before (the detector's reason)."""
    with pytest.raises(ParseError, match="neither title appears"):
        parse_document("会议纪要\n一、关于预算安排\n".encode(), "minutes.txt")
