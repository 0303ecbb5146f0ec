"""Synthetic documents derived from the real seeds, for tests and benchmarks.

A variant keeps a seed's structure, amounts and indicators (so it stays
internally consistent and passes the checks) and changes what identifies it:
the department name (部门名称), hence its (doc_type, department, fiscal_year)
key, and optionally a goal sentence (a *corrected re-publication*: same key,
different bytes).
"""

from __future__ import annotations

import re
from pathlib import Path

_DEPARTMENT = re.compile(r"(部门名称[：:]\s*)([^\s\t单]+?)((?:（部门）)?)(?=\s|\t|单位|$)", re.MULTILINE)


def department_variant(text: str, n: int) -> str:
    """``text`` with every 部门名称 value suffixed ``（样本n）`` (a new department)."""
    return _DEPARTMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}（样本{n:03d}）{m.group(3)}", text)


def corrected_version(text: str, note: str = "（更正）") -> str:
    """``text`` with ``note`` appended to the first 绩效目标 sentence ending in 。: same key, new bytes."""
    index = text.index("。")
    return text[:index] + note + text[index:]


def write_variants(seed: Path, folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write ``count`` department variants of ``seed`` into ``folder``; returns their paths."""
    text = seed.read_text("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"{seed.stem}_v{n:03d}{seed.suffix}"
        path.write_text(department_variant(text, n), "utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------
# Synthetic PDF corpus for benchmarks (``make bench``)
# --------------------------------------------------------------------------
#
# A document of the corpus is assembled from the spending units of the four
# 项目支出绩效目标表 seeds (parsed by the text path): a random subset of units,
# a random subset of each unit's projects (with their goals and indicators),
# every project amount multiplied by one factor per document and rounded to
# 0.01, then every subtotal recomputed from its children (unit = sum of its
# projects, 合计 = sum of the units; a project's 总计 = sum of its funding
# columns where the seed's was). So every document reconciles exactly. The
# department (hence the title and the (type, department, year) key) comes
# from a district × bureau × year grid; district names inside unit and project
# names follow the document's district. Documents are rendered in the
# variants of ``render_pdf`` in turn (the TrueType one only where its font is
# installed). Deterministic for a given count and generator version.

#: Bump when the generated documents change (the cache key of ``.bench/``).
CORPUS_VERSION = 1

DISTRICTS = ("越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区")
BUREAUS = (
    "教育局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "卫生健康局", "文化广电旅游局",
    "交通运输局", "水务局", "农业农村局", "城市管理和综合执法局", "应急管理局", "市场监督管理局",
    "委员会宣传部", "委员会组织部", "科技工业商务和信息化局", "住房和城乡建设局", "生态环境分局",
)
YEARS = (2023, 2024, 2025)


def _seed_units(seed_docs):
    """``[(seed department, unit line, [(project line, [indicators])])]`` of the seeds."""
    units = []
    for doc in seed_docs:
        indicators: dict[int, list] = {}
        for ind in doc.indicators:
            indicators.setdefault(ind.line_no, []).append(ind)
        current = None
        for line in doc.budget_lines:
            if line.line_type == "spending_unit":
                current = (doc.department or "", line, [])
                units.append(current)
            elif line.line_type == "project" and current is not None:
                current[2].append((line, indicators.get(line.line_no, [])))
    return [u for u in units if u[2]]


def _rename(text: str | None, seed_department: str, department: str, district: str) -> str | None:
    if text is None:
        return None
    if seed_department and seed_department in text:
        text = text.replace(seed_department, department)
    for other in DISTRICTS:
        if other != district and other in text:
            text = text.replace(other, district)
    return text


def synthetic_document(n: int, seed_docs):
    """The ``n``-th synthetic 项目支出绩效目标表 (a ``ParsedDocument`` ready for ``render_document``)."""
    import dataclasses
    import random
    from decimal import Decimal

    from orchestration.parsing.records import AMOUNT_FIELDS, BudgetLine, ParsedDocument

    rng = random.Random(f"corpus-{CORPUS_VERSION}-{n}")
    grid = len(DISTRICTS) * len(BUREAUS)
    district = DISTRICTS[n % len(DISTRICTS)]
    bureau = BUREAUS[(n // len(DISTRICTS)) % len(BUREAUS)]
    year = YEARS[(n // grid) % len(YEARS)]
    suffix = f"（第{n // (grid * len(YEARS)) + 1}批）" if n >= grid * len(YEARS) else ""
    department = f"广州市{district}{bureau}{suffix}"
    factor = Decimal(rng.randint(50, 200)) / 100
    cent = Decimal("0.01")
    target_projects = int(rng.triangular(4, 100, 30))

    pool = _seed_units(seed_docs)
    rng.shuffle(pool)
    chosen = []
    projects = 0
    for seed_department, unit, unit_projects in pool:
        if projects >= target_projects:
            break
        keep = [p for p in unit_projects if rng.random() < 0.75] or unit_projects[:1]
        keep = keep[: target_projects - projects] or keep[:1]
        chosen.append((seed_department, unit, keep))
        projects += len(keep)

    def scaled(line: BudgetLine) -> dict:
        parts = {f: getattr(line, f) for f in AMOUNT_FIELDS[1:]}
        values = {f: None if v is None else (v * factor).quantize(cent) for f, v in parts.items()}
        present = [v for v in parts.values() if v is not None]
        if line.amount_total is not None and present and sum(present) == line.amount_total:
            total = sum(v for v in values.values() if v is not None)
        else:
            total = None if line.amount_total is None else (line.amount_total * factor).quantize(cent)
        return {"amount_total": total, **values}

    def summed(children: list[dict]) -> dict:
        out = {}
        for f in AMOUNT_FIELDS:
            present = [c[f] for c in children if c[f] is not None]
            out[f] = sum(present, Decimal("0.00")) if present else None
        return out

    lines: list[BudgetLine] = []
    indicators = []
    unit_amounts = []
    body: list[tuple[BudgetLine, dict, list]] = []
    for seed_department, unit, unit_projects in chosen:
        project_rows = [(p, scaled(p), inds) for p, inds in unit_projects]
        amounts = summed([a for _, a, _ in project_rows])
        unit_amounts.append(amounts)
        body.append((unit, amounts, []))
        unit_name = _rename(unit.spending_unit, seed_department, department, district)
        for p, a, inds in project_rows:
            body.append((dataclasses.replace(p, spending_unit=unit_name,
                                             project_name=_rename(p.project_name, seed_department, department, district)),
                         a, inds))
        body[-len(project_rows) - 1] = (dataclasses.replace(unit, spending_unit=unit_name), amounts, [])
    total = BudgetLine(1, "department_total", None, None, **summed(unit_amounts))
    lines.append(total)
    for line_no, (line, amounts, inds) in enumerate(body, start=2):
        lines.append(dataclasses.replace(line, line_no=line_no, **amounts))
        indicators += [dataclasses.replace(ind, line_no=line_no) for ind in inds]
    title = f"{department}{year}年项目支出绩效目标表（含转移支付项目）"
    return ParsedDocument(doc_type="project_targets", layout="synthetic", title=title, department=department,
                          fiscal_year=year, budget_lines=lines, indicators=indicators)


def _seed_documents(samples: Path):
    from orchestration.parsing import parse_document

    docs = [parse_document(p.read_bytes(), p.name) for p in sorted(samples.glob("*.txt"))]
    return [d for d in docs if d.doc_type == "project_targets"]


def _variant_names() -> list[str]:
    from devtools.render_pdf import VARIANTS, ttf_path

    return [name for name, v in VARIANTS.items() if v.font != "ttf" or ttf_path() is not None]


def _render_one(args) -> tuple[str, int, int]:
    n, samples, folder, variants = args
    from devtools.render_pdf import render_document

    global _SEEDS
    if "_SEEDS" not in globals() or _SEEDS[0] != samples:
        _SEEDS = (samples, _seed_documents(Path(samples)))
    doc = synthetic_document(n, _SEEDS[1])
    order = variants[n % len(variants):] + variants[: n % len(variants)]
    for variant in order:
        try:
            data = render_document(doc, variant)
            break
        except ValueError:  # an amount too wide for this variant's columns
            continue
    else:
        raise ValueError(f"synthetic document {n} fits no variant")
    name = f"bench_{n:04d}.pdf"
    (Path(folder) / name).write_bytes(data)
    return name, data.count(b"/Type /Page\n"), len(data)


def build_corpus(folder: Path, count: int, samples: Path | None = None, workers: int = 1, progress=None) -> dict:
    """Render ``count`` synthetic PDFs into ``folder`` (cached: reused when its manifest matches).

    Returns the manifest ``{"version", "variants", "count", "files": [{"name", "pages", "bytes"}]}``;
    ``folder/manifest.json`` is written last, so an interrupted build is redone.
    ``progress(done, total)`` is called after each document.
    """
    import json
    from concurrent.futures import ProcessPoolExecutor

    from orchestration.settings import SAMPLES_DIR

    samples = Path(samples or SAMPLES_DIR)
    variants = _variant_names()
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if (manifest.get("version"), manifest.get("variants"), manifest.get("count")) == (CORPUS_VERSION, variants, count) \
                and all((folder / f["name"]).exists() for f in manifest["files"]):
            return manifest
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bench_*.pdf"):
        old.unlink()
    manifest_path.unlink(missing_ok=True)
    tasks = [(n, str(samples), str(folder), variants) for n in range(count)]
    files = []
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done, (name, pages, size) in enumerate(pool.map(_render_one, tasks, chunksize=4), start=1):
                files.append({"name": name, "pages": pages, "bytes": size})
                if progress:
                    progress(done, count)
    else:
        for done, task in enumerate(tasks, start=1):
            name, pages, size = _render_one(task)
            files.append({"name": name, "pages": pages, "bytes": size})
            if progress:
                progress(done, count)
    manifest = {"version": CORPUS_VERSION, "variants": variants, "count": count, "files": files}
    manifest_path.write_text(json.dumps(manifest, indent=1), "utf-8")
    return manifest
