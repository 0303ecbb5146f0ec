"""Session-scoped pipeline runs shared by the slow modules that read the same inputs (issue 29: CI time).

A batch run costs about 45 s whatever the handful of documents (dbt's full build, the GX checks, the
publication, the report); modules whose documents overlap read one run instead of running their own.
Each run holds the union of the documents of its modules, and each module's assertions name its own
documents. The tests only read these warehouses; a test that writes copies the folder into its
``tmp_path`` first. Registered in ``tests/conftest.py``.
"""

from __future__ import annotations

import shutil

import pytest

#: The documents of :func:`guangzhou_beijing_run`, inside ``$REALDOCS_DIR`` (``tests/bundles.py``).
GUANGZHOU_BEIJING = ("guangzhou-2026/广州_市政务服务和数据管理局_2026_项目支出绩效目标表.pdf",
                     "guangzhou-2026/广州_市政务服务和数据管理局_2026_部门整体预算绩效目标申报表.pdf",
                     "beijing/北京_城市副中心工程建设管理办公室_2026_部门预算情况说明.pdf",
                     "beijing/北京_城市副中心工程建设管理办公室_2026_部门预算报表.pdf")


@pytest.fixture(scope="session")
def guangzhou_beijing_run(tmp_path_factory):
    """One batch run over the two 广州 2026 PDFs (项目支出绩效目标表 + 部门整体 form), the 北京 副中心 情况说明 and
    its 部门预算报表, and ``empty.pdf`` (0 bytes): ``(BatchResult, warehouse dir)``.

    Read by ``test_guangzhou_2026_job``, ``test_review_queue_job`` and ``test_narrative_pairs_job``.
    """
    from tests.bundles import REALDOCS

    files = [REALDOCS / name for name in GUANGZHOU_BEIJING]
    missing = [p.name for p in files if not p.is_file()]
    if missing:
        pytest.skip(f"real documents not found in {REALDOCS}: {missing}")
    from tests.pipeline import batch_over_copies

    empty = tmp_path_factory.mktemp("empty") / "empty.pdf"
    empty.write_bytes(b"")
    return batch_over_copies(tmp_path_factory, "guangzhou_beijing", [*files, empty])


@pytest.fixture(scope="session")
def samples_run(tmp_path_factory):
    """One batch run over ``warehouse/samples`` as `make run` reads it (five seeds as text, five as PDF):
    ``(BatchResult, warehouse dir)``. Read by ``test_pdf_samples``; ``test_dashboard`` copies its folder."""
    from tests.conftest import SAMPLES_DIR
    from tests.pipeline import run_main_job

    root = tmp_path_factory.mktemp("samples_run")
    inbox, warehouse_dir = root / "inbox", root / "warehouse"
    shutil.copytree(SAMPLES_DIR, inbox)
    warehouse_dir.mkdir()
    return run_main_job(inbox, warehouse_dir), warehouse_dir


@pytest.fixture(scope="session")
def disclosures_run(tmp_path_factory):
    """One batch run over the real disclosures of ``test_comparison_marts_job`` (its ``FILES`` and the 深圳 项目支出
    绩效目标表 it renders) and of ``test_three_public_job`` (深圳 and 江苏省人民检察院 2019 are in both; 珠海 市商务局
    2026 is added): the warehouse dir. Read by both modules."""
    from devtools.render_pdf import render_seed
    from tests.bundles import REALDOCS
    from tests.integration.test_comparison_marts_job import FILES, SHENZHEN_TARGETS, SHENZHEN_TARGETS_SEED
    from tests.integration.test_three_public_job import FILES as THREE_PUBLIC
    from tests.pipeline import batch_over_copies

    files = [REALDOCS / folder / name for name, folder in FILES.items()]
    files += [p for p in THREE_PUBLIC if p.name not in FILES]
    missing = [f.name for f in files if not f.exists()]
    if missing:
        pytest.skip(f"real documents not found: {missing}")
    seed = tmp_path_factory.mktemp("rendered") / "shenzhen_targets.txt"
    seed.write_text(SHENZHEN_TARGETS_SEED, encoding="utf-8")
    rendered = seed.with_name(SHENZHEN_TARGETS)
    rendered.write_bytes(render_seed(seed))
    result, wh = batch_over_copies(tmp_path_factory, "disclosures", files + [rendered])
    assert result.success
    return result, wh
