"""Scans do not hold text documents back (issue 28): the parse pools' OCR queue, with real documents.

A batch given as [the shared 8-page scan, a 收支总表 scan under a mojibake invisible layer, the sample PDFs]: the
scan goes to the OCR pool by its bytes (images, no font), the mojibake page by its text parse (it has a font; the
text worker stops before recognising and queues it), and the writer gets the sample PDFs first, in their given
order, while the OCR worker is still reading.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from devtools.ocr_roundtrip import subset
from devtools.rasterize_pdf import with_invisible_layer
from orchestration.ingestion import parallel
from orchestration.ingestion.reading import document_id
from orchestration.ingestion.parallel import ParseJob, parse_files

from ..conftest import SAMPLES_DIR

REALDOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdocs"
SCAN = REALDOCS / "scanned" / "北京_市政务服务和数据管理局_2026_部门预算说明_扫描.pdf"
BUNDLE = REALDOCS / "budget-bundles" / "上海市普陀区司法局_2026_部门预算.pdf"
TEXT_PDFS = sorted(SAMPLES_DIR.glob("*.pdf"))[:3]

pytestmark = pytest.mark.skipif(not SCAN.exists() or not BUNDLE.exists(), reason="shared realdocs not present")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """[scan, mojibake-layer page, text PDF × 3] as parse jobs on files in a temporary folder."""
    folder = tmp_path_factory.mktemp("ocr-queue")
    poor = folder / "poor_layer.pdf"
    poor.write_bytes(with_invisible_layer(subset(BUNDLE.read_bytes(), [10]), lambda t: t.encode("gbk").decode("latin-1")))
    paths = [SCAN, poor, *TEXT_PDFS]
    return [ParseJob(document_id(p.read_bytes()), p) for p in paths]


def test_a_text_document_is_written_before_the_scans_given_ahead_of_it(batch):
    """[scan, mojibake-layer page, the 部门整体绩效目标 sample]: the sample is the first result the writer gets,
    while the OCR worker is still on the scan (closing the generator then ends it)."""
    assert parallel.looks_like_scan(batch[0].path) and not parallel.looks_like_scan(batch[1].path)
    small = [job for job in batch if job.path.name.startswith("002_")]
    results = parse_files(batch[:2] + small, workers=1)
    job, first = next(results)
    results.close()  # the scans are still being read: stop their worker
    assert job == small[0] and first.status == "loaded"
    assert first.parsed.department_targets is not None


@pytest.mark.slow
def test_the_whole_batch_text_first_then_the_scans_in_their_given_order(batch):
    order = [(job.path.name, item) for job, item in parse_files(batch, workers=1)]
    assert [name for name, _ in order] == [p.name for p in TEXT_PDFS] + [SCAN.name, "poor_layer.pdf"]
    scan, poor = order[3][1], order[4][1]
    assert (scan.parsed.doc_type, scan.parsed.layout) == ("budget_narrative", "pdf_narrative")
    assert scan.parsed.department == "北京市政务服务和数据管理局" and scan.parsed.fiscal_year == 2026
    (entry,) = poor.parsed.disclosure.inventory
    assert entry.text_source == "ocr:poor_invisible_layer" and entry.ocr_verified is True


def test_a_scan_written_after_a_later_copy_of_its_family_says_so():
    def item(department):
        return SimpleNamespace(parsed=SimpleNamespace(doc_type="budget_disclosure", department=department,
                                                      fiscal_year=2026, events=[]))

    families: dict = {}
    text_copy, scan, other = item("上海市X局"), item("上海市X局"), item("上海市Y局")
    parallel.note_family_order(families, 3, text_copy)  # given 4th, written first
    parallel.note_family_order(families, 0, scan)  # given 1st, written after it (OCR)
    parallel.note_family_order(families, 1, other)
    assert [e.kind for e in scan.parsed.events] == ["written_after_a_later_copy"]
    assert "document 4" in scan.parsed.events[0].detail
    assert text_copy.parsed.events == other.parsed.events == []


def test_ocr_workers_setting(monkeypatch):
    monkeypatch.delenv("OCR_WORKERS", raising=False)
    assert parallel.configured_ocr_workers() == 1
    monkeypatch.setenv("OCR_WORKERS", "2")
    assert parallel.configured_ocr_workers() == 2
    monkeypatch.setenv("OCR_WORKERS", "0")
    with pytest.raises(ValueError, match="OCR_WORKERS"):
        parallel.configured_ocr_workers()
