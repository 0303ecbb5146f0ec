"""The bad-input corpus, generated in code (nothing large is committed).

Every builder returns the bytes of one input file. Text documents are small
tab-separated 项目支出绩效目标表 extracts built by :func:`tsv_document`;
PDFs are rendered with reportlab (:mod:`orchestration.devtools.render_pdf`)
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
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
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
