"""Hostile inputs of issue 18, built in code: PDFs that never finish or inflate, amounts that overflow.

Each builder returns the bytes of one file; the tests write them into a
temporary inbox (together with the special entries a file system allows:
links, FIFOs, folders, names that are not UTF-8).
"""

from __future__ import annotations

import os
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.bad_input.corpus import project, random_bytes, tsv_document, unit
from tests.pdf_helpers import minimal_pdf


def reference_loop_pdf() -> bytes:
    """A ~600-byte PDF whose object 6 is ``7 0 R`` and object 7 is ``6 0 R`` (the page's resources).

    pdfminer resolves a reference until it reaches a non-reference: here it never does.
    """
    content = b"BT /F1 12 Tf 72 760 Td (x) Tj ET"
    return minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 6 0 R /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"7 0 R",
        b"6 0 R",
    ])


def corrupted_flate_pdf(inflated_mb: int = 200) -> bytes:
    """A PDF whose page content is a Flate stream of ``inflated_mb`` MB with a wrong Adler-32 checksum.

    zlib refuses the checksum, and pdfminer then inflates the stream again one
    byte at a time (``decompress_corrupted``): minutes of CPU for a file of a few hundred KB.
    """
    raw = zlib.compress(b"0 0 m 1 1 l S\n" * (inflated_mb * 2**20 // 14), 9)
    damaged = raw[:-4] + bytes(b ^ 0xFF for b in raw[-4:])
    return minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(damaged) + damaged + b"\nendstream",
    ])


def amounts_tsv(amount: str, department: str = "广州市溢出局") -> str:
    """A small 项目支出绩效目标表 whose every row carries ``amount`` (it reconciles when the amount is exact)."""
    return tsv_document([unit("合计", amount, amount), unit(f"{department}本级", amount, amount),
                         project("培训经费", amount, amount)], department=department)


def indicator_number_tsv(number: str = "99999999999") -> str:
    """A document whose one indicator is numbered ``number、`` (beyond 32-bit INTEGER by default)."""
    indicator = f"{number}、1-产出指标；11-数量指标；培训人次；实施周期指标值：≥100人次；年度指标值：≥100人次。"
    return tsv_document([unit("合计", "150.00", "150.00"), unit("广州市编号局本级", "150.00", "150.00"),
                         project("培训经费", "150.00", "150.00", indicators=indicator)], department="广州市编号局")


# --------------------------------------------------------------------------
# A whole hostile inbox (the batch test and the lead's `make run` table)
# --------------------------------------------------------------------------

LONG_NAME = "广州市某某区财政局关于二〇二四年度部门预算项目支出绩效目标表公开的说明及附件材料汇编第一册共三册之一之附表说明文字补充与修订稿终版定稿确认版请各单位认真阅读执行"
NOT_UTF8_NAME = os.fsdecode(b"bad\xff\xfe.txt")
#: Content of the file outside the inbox that a link points to: it must never appear in the warehouse.
OUTSIDE_MARKER = "TOP-SECRET-OUTSIDE-THE-INBOX-18"


@dataclass(frozen=True)
class Expected:
    """What must become of one inbox entry: ``status`` (loaded / quarantined / not read) and a regex of its reason."""

    case: str
    status: str
    reason: str


def build_hostile_inbox(folder: Path, outside: Path, *, bind_unreadable: bool = True) -> dict[str, Expected]:
    """Fill ``folder`` with one entry per hostile case; ``outside`` receives the link targets outside the inbox.

    Returns display name → :class:`Expected`. The unreadable file is a bind
    mount of ``/proc/self/mem`` (root only; skipped otherwise) — the caller
    unmounts it with :func:`unmount_all`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expected] = {}

    def put(name: str, data: bytes, case: str, status: str, reason: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = Expected(case, status, reason)

    put("ref-loop.pdf", reference_loop_pdf(), "1 reference loop", "quarantined", r"time limit of \d+ s")
    put("flate-bomb.pdf", corrupted_flate_pdf(200), "1 corrupted Flate stream", "quarantined",
        r"time limit of \d+ s|memory limit of \d+ MB")
    (folder / NOT_UTF8_NAME).write_bytes(random_bytes(2000, seed=18))
    expected[r"bad\xff\xfe.txt"] = Expected("2 name not UTF-8", "quarantined", r"^bad\\xff\\xfe\.txt: ")
    put("amount-1e16.txt", amounts_tsv("10000000000000000.00").encode(), "3 amount >= 1e16", "quarantined",
        r"too large to be a budget amount")
    put("indicator-2e31.txt", indicator_number_tsv().encode(), "3 indicator number >= 2^31", "quarantined",
        r"beyond the largest number the warehouse stores")
    put(LONG_NAME + ".txt", random_bytes(3000, seed=75), "4 long Chinese name", "quarantined",
        r"neither UTF-8 nor GB18030")
    os.symlink("/etc/passwd", folder / "passwd.txt")
    expected["passwd.txt"] = Expected("6 symlink out of the inbox", "not read", r"outside the inbox")
    (outside / "secret.txt").write_text(OUTSIDE_MARKER, "utf-8")
    os.symlink(outside / "secret.txt", folder / "secret-link.pdf")
    expected["secret-link.pdf"] = Expected("6 symlink out of the inbox", "not read", r"outside the inbox")
    sparse = folder / "huge-300MB.txt"
    with open(sparse, "wb") as handle:  # sparse: 300 MB of zeros that take no disk
        handle.truncate(300 * 2**20)
    expected["huge-300MB.txt"] = Expected("10 size limit", "quarantined", r"too large to read: 300\.0 MiB")
    put("notes.pptx", b"PK\x03\x04 not a document", "12 unsupported suffix", "not read", r"unsupported file type")
    put("trailing-space.pdf ", reference_loop_pdf(), "12 trailing space", "not read", r"white space after the suffix")
    put(".hidden.txt", amounts_tsv("1.00").encode(), "12 hidden file", "not read", r"hidden file")
    os.mkfifo(folder / "pipe.txt")
    expected["pipe.txt"] = Expected("12 FIFO", "not read", r"FIFO")
    (folder / "folder.pdf").mkdir()
    expected["folder.pdf"] = Expected("12 directory named x.pdf", "not read", r"a folder")
    os.symlink("loop-link.txt", folder / "loop-link.txt")
    expected["loop-link.txt"] = Expected("12 symlink loop", "not read", r"loops")
    put("three-decimals.txt", amounts_tsv("150.005", department="广州市小数局").encode(), "14 three decimals",
        "loaded", r"amount_rounded")
    if bind_unreadable:
        target = folder / "unreadable.txt"
        target.write_bytes(b"")
        done = subprocess.run(["mount", "--bind", "/proc/self/mem", str(target)], capture_output=True)
        if done.returncode == 0:
            expected["unreadable.txt"] = Expected("5 unreadable file (EIO/ESRCH)", "not read", r"cannot be read")
    return expected


def unmount_all(folder: Path) -> None:
    """Undo the bind mount of :func:`build_hostile_inbox` (if any)."""
    target = folder / "unreadable.txt"
    if target.exists():
        subprocess.run(["umount", str(target)], capture_output=True)
