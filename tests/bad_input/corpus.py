"""The bad-input corpus, generated in code (nothing large is committed).

Every builder returns the bytes of one input file. Text documents are small
tab-separated 项目支出绩效目标表 extracts built by :func:`tsv_document`;
PDFs are rendered with reportlab (:mod:`devtools.render_pdf`)
or hand-made (:mod:`tests.pdf_helpers`).
"""

from __future__ import annotations

import io
import random
import zipfile

HEADER = "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"
INDICATOR = "1、1-产出指标；11-数量指标；培训人次；实施周期指标值：≥100人次；年度指标值：≥100人次。"
GOAL = "开展业务培训，提升干部履职能力。"


def tsv_document(
    rows: list[tuple[str, ...]],
    department: str = "广州市测试局",
    year: int = 2024,
    header: str = HEADER,
) -> str:
    """A 项目支出绩效目标表 text extract with the given tab-separated rows (after the header)."""
    head = [
        f"广州市测试局{year}年项目支出绩效目标表",
        "",
        f"部门名称：{department}",
        "",
        "单位：万元",
        "",
        header,
    ]
    return "\n".join(head + ["\t".join(r) for r in rows]) + "\n"


def project(name: str, total: str, fiscal: str = "", special: str = "", other: str = "",
            goal: str = GOAL, indicators: str = INDICATOR) -> tuple[str, ...]:
    return (name, total, fiscal, special, other, goal, indicators)


def unit(name: str, total: str, fiscal: str = "", special: str = "", other: str = "") -> tuple[str, ...]:
    return (name, total, fiscal, special, other, "", "")


def good_tsv(project_name: str = "培训经费", department: str = "广州市测试局") -> str:
    """A small document that reconciles: 合计 = 1 unit = 2 projects."""
    return tsv_document(
        [
            unit("合计", "150.00", "150.00"),
            unit("广州市测试局本级", "150.00", "150.00"),
            project(project_name, "100.00", "100.00"),
            project("办公设备购置", "50.00", "50.00"),
        ],
        department=department,
    )


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A minimal Office Open XML workbook (a ZIP with ``[Content_Types].xml`` and ``xl/``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:  # fixed member dates: the same bytes on every call
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2024, 1, 1, 0, 0, 0)), '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr(zipfile.ZipInfo("xl/workbook.xml", (2024, 1, 1, 0, 0, 0)), '<?xml version="1.0"?><workbook/>')
    return buffer.getvalue()


def random_bytes(n: int = 4096, seed: int = 8) -> bytes:
    return random.Random(seed).randbytes(n)


def other_report_pdf() -> bytes:
    """A 2-page PDF of another government report (Chinese prose, no table)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for page in range(2):
        c.setFont("STSong-Light", 16)
        c.drawString(72, 780, "广州市2023年国民经济和社会发展统计公报")
        c.setFont("STSong-Light", 11)
        for i in range(30):
            c.drawString(72, 740 - 20 * i, f"第{page * 30 + i + 1}段：全市地区生产总值比上年增长百分之四点六。")
        c.showPage()
    c.save()
    return buffer.getvalue()


def encrypted_pdf(pdf_user_password: str, owner_password: str = "owner-secret") -> bytes:
    """A one-page PDF encrypted with reportlab (RC4 128): ``pdf_user_password`` '' opens without one."""
    from reportlab.lib import pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    encrypt = pdfencrypt.StandardEncryption(pdf_user_password, owner_password, canPrint=1, canModify=0, canCopy=0)
    c = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt, invariant=1)
    c.drawString(72, 780, "Encrypted")
    c.showPage()
    c.save()
    return buffer.getvalue()


# --------------------------------------------------------------------------
# The corpus: file name → (bytes builder, expected outcome, reason pattern)
# --------------------------------------------------------------------------

SQL_EMOJI_PROJECT = "O'Brien\"s 项目'); DROP TABLE raw.documents;-- 😀🚀 ''"


def sample_pdf() -> bytes:
    from tests.conftest import SAMPLES_DIR

    return (SAMPLES_DIR / "000_26deb59209c0fd2c.pdf").read_bytes()


def encrypted_table_pdf(user_password: str) -> bytes:
    """The rendered seed 000 table, encrypted (RC4 128) with ``user_password`` ('' = owner password only)."""
    from unittest import mock

    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas as rl_canvas

    from devtools import pdf_canvas, render_pdf
    from tests.conftest import SAMPLES_DIR
    from tests.pdf_helpers import require_cjk_ttf

    require_cjk_ttf()  # rendered in portrait-rules-ttf
    real = rl_canvas.Canvas
    encrypt = pdfencrypt.StandardEncryption(user_password, "owner-secret", canPrint=1, canModify=0)
    with mock.patch.object(pdf_canvas.rl_canvas, "Canvas", lambda *a, **k: real(*a, encrypt=encrypt, **k)):
        return render_pdf.render_seed(SAMPLES_DIR / "000_26deb59209c0fd2c.txt", "portrait-rules-ttf")


def amounts_tsv() -> str:
    """Thousands separators, full-width digits and punctuation, '-' and '—' for empty cells."""
    return tsv_document([
        unit("合计", "1,150.00", "1,150.00", "-", "—"),
        unit("广州市测试局本级", "1,150.00", "1,150.00", "-", "-"),
        project("培训经费", "１,０５０．００", "１０５０．００", "－", ""),
        project("办公设备购置", "100.00", "100.00", "-", "/"),
    ])


def negative_tsv() -> str:
    return tsv_document([
        unit("合计", "138.00", "150.00", "", "(12.00)"),
        unit("广州市测试局本级", "138.00", "150.00", "", "(12.00)"),
        project("培训经费", "138.00", "150.00", "", "(12.00)"),
    ])


def missing_column_tsv() -> str:
    header = "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t绩效目标\t绩效指标"
    return tsv_document([
        ("合计", "150.00", "150.00", "", "", ""),
        ("广州市测试局本级", "150.00", "150.00", "", "", ""),
        ("培训经费", "150.00", "150.00", "", GOAL, INDICATOR),
    ], header=header)


def duplicate_project_tsv() -> str:
    return tsv_document([
        unit("合计", "250.00", "250.00"),
        unit("广州市测试局本级", "250.00", "250.00"),
        project("培训经费", "100.00", "100.00"),
        project("办公设备购置", "50.00", "50.00"),
        project("培训经费", "100.00", "100.00"),
    ], department="广州市重复局")


def unreconciled_tsv() -> str:
    return tsv_document([
        unit("合计", "999.00", "999.00"),
        unit("广州市测试局本级", "150.00", "150.00"),
        project("培训经费", "100.00", "100.00"),
        project("办公设备购置", "40.00", "40.00"),
    ], department="广州市对不上局")


LOADED, WARNINGS, QUARANTINED = "loaded", "loaded with warnings", "quarantined"

#: name → (builder, outcome, regex the reason must match, event kind expected for warnings)
CORPUS: dict[str, tuple] = {
    "zero-bytes.pdf": (lambda: b"", QUARANTINED, r"empty file \(0 bytes\)", None),
    "zero-bytes.txt": (lambda: b"", QUARANTINED, r"empty file \(0 bytes\)", None),
    "truncated.pdf": (lambda: sample_pdf()[: len(sample_pdf()) // 2], QUARANTINED, r"PDF is truncated.*%%EOF", None),
    "corrupt-random.pdf": (lambda: random_bytes(), QUARANTINED, r"name ends in \.pdf but the file is not a PDF", None),
    "corrupt-body.pdf": (
        lambda: b"%PDF-1.7\n" + random_bytes(3000, seed=9) + b"\n%%EOF\n", QUARANTINED,
        r"not a readable PDF|cannot be read", None),
    "encrypted-user-password.pdf": (
        lambda: encrypted_table_pdf("user-secret"), QUARANTINED,
        r"encrypted with a password.*Encrypted: remove the password.*unencrypted copy", None),
    "encrypted-owner-only.pdf": (lambda: encrypted_table_pdf(""), WARNINGS, None, "pdf_encrypted_without_user_password"),
    "scanned.pdf": (lambda: __import__("tests.pdf_helpers").pdf_helpers.image_only_pdf(), QUARANTINED,
                    r"no text layer.*OCR", None),
    "cid-font.pdf": (lambda: __import__("tests.pdf_helpers").pdf_helpers.cid_without_unicode_pdf(), QUARANTINED,
                     r"\(cid:N\).*no ToUnicode", None),
    "statistics-bulletin.pdf": (other_report_pdf, QUARANTINED, r"no table with the column header", None),
    "photo.pdf": (png_bytes, QUARANTINED, r"although its name ends in \.pdf.*PNG image", None),
    "scan.jpg.pdf": (jpeg_bytes, QUARANTINED, r"JPEG image", None),
    "budget.xlsx.pdf": (xlsx_bytes, QUARANTINED, r"Excel spreadsheet \(XLSX", None),
    "gbk.txt": (lambda: good_tsv(department="广州市编码局").encode("gbk"), WARNINGS, None, "decoded_as_gb18030"),
    "bom-crlf.txt": (lambda: b"\xef\xbb\xbf" + good_tsv(department="广州市换行局").replace("\n", "\r\n").encode(),
                     WARNINGS, None, "line_ends_normalised"),
    "missing-column.txt": (lambda: missing_column_tsv().encode(), QUARANTINED, r"lacks the amount column\(s\) 其他资金", None),
    "amounts-printed-forms.txt": (lambda: amounts_tsv().encode(), LOADED, None, None),
    "negative-amount.txt": (lambda: negative_tsv().encode(), QUARANTINED, r"negative amount -12\.00 万元 \(其他资金", None),
    # The parser keeps both rows / reads the amounts and records an event; the GX gate
    # (issue 6) then quarantines the document: (document, unit, project) must be unique,
    # and subtotals may differ from their parts by 0.01 (rounding in the source) at most.
    "duplicate-project.txt": (lambda: duplicate_project_tsv().encode(), QUARANTINED,
                              r"Failed the data-quality gate.*expect_compound_columns_to_be_unique", None),
    "unreconciled.txt": (lambda: unreconciled_tsv().encode(), QUARANTINED,
                         r"Failed the data-quality gate.*staging_reconciliation", None),
    "sql-emoji.txt": (lambda: good_tsv(SQL_EMOJI_PROJECT, department="广州市引号局").encode(), LOADED, None, None),
    "other-report.txt": (lambda: "2024年部门预算说明\n一、部门职责\n".encode(), QUARANTINED,
                         r"not a 项目支出绩效目标表 or 部门整体绩效目标 document", None),
}

#: Hostile but legal file names (a ``/`` cannot be in a file name, so ``../`` is tested on the name string in
#: ``tests/security``; a name starting with ``.`` is a hidden file, which the inbox ignores by design).
HOSTILE_NAMES = {
    "name with spaces.txt": lambda: good_tsv(department="广州市空格局").encode(),
    "中文文件名 预算.txt": lambda: good_tsv(department="广州市中文局").encode(),
    "quote's \"double\" `tick`.txt": lambda: good_tsv(department="广州市引号名局").encode(),
    "x..%2F..%2Fescape'; DROP TABLE x;--.pdf": lambda: png_bytes()[:-1] + b"\x00",
}
