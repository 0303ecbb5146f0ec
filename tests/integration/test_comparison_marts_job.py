"""The comparison marts (issue 27 §2) and the export (§3) on real documents, through the whole pipeline.

One batch run over real disclosures of ``../shared/realdocs``: 上海 万里街道 部门预算 2024 and 2025, 江苏省人民检察院
部门预算 2018 and 2019 (the tables files), two 部门决算 (上海 普陀区财政局 2024, 佛山 市轨道交通局 2019), and two
2026 部门预算 with a 项目支出绩效目标表 and a 项目支出表 inside (深圳 市信访局, 广州 市统计局). realdocs holds no
standalone 项目支出绩效目标表 of the same department and year as a 部门预算, so one is rendered here
(:data:`SHENZHEN_TARGETS_SEED`, 深圳市信访局 2026) with one project equal to the bundle's, one different and one the
bundle does not list. Every number asserted was read off the page named beside it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest

from orchestration.reporting.export import WORKBOOK_NAME, write_export
from tests.pipeline import query

pytestmark = pytest.mark.slow

WANLI_2024 = "上海市普陀区万里街道办事处_2024_部门预算.pdf"
WANLI_2025 = "上海市普陀区万里街道办事处_2025_部门预算.pdf"
JCY_2018 = "江苏省人民检察院_2018年省检察院部门预算公开.pdf"
JCY_2019 = "江苏省人民检察院_2019年度部门预算公开.pdf"
CAIZHENG = "上海市普陀区财政局_2024_部门决算.pdf"
FOSHAN = "佛山_市轨道交通局_2019_部门决算.pdf"
FILES = {
    WANLI_2024: "budget-bundles", WANLI_2025: "budget-bundles", CAIZHENG: "budget-bundles",
    JCY_2018: "jiangsu", JCY_2019: "jiangsu", FOSHAN: "guangdong",
    "深圳_市信访局_2026_部门预算.pdf": "guangdong", "广州_市统计局_2026_部门预算.pdf": "guangdong",
}
SHENZHEN_TARGETS = "深圳_市信访局_2026_项目支出绩效目标表.pdf"
#: A standalone 项目支出绩效目标表 of 深圳市信访局 2026 (rendered): 社工服务项目 as its 部门预算 prints it (498.82, 表5
#: 项目支出总表 p23), 信访专项 480.00 where the bundle prints 486.39, 信访宣传经费 the bundle does not list.
SHENZHEN_TARGETS_SEED = """
2026年项目支出绩效目标表

部门名称：深圳市信访局 单位：万元

项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标

合计 998.82 998.82

深圳市信访局 998.82 998.82

    社工服务项目 498.82 498.82

通过购买社工服务，为来访群众提供心理疏导、矛盾调处

和政策咨询等专业服务，提升信访工作的群众满意度。

    信访专项 480.00 480.00

保障信访工作各项专项任务的顺利开展，及时受理群众来信

来访事项，按期办结率达到规定要求，维护社会和谐稳定。

    信访宣传经费 20.00 20.00

开展信访法治宣传进社区、进企业活动，引导群众依法逐级

反映诉求，营造依法信访的良好社会氛围和舆论环境。
"""
WANLI = "上海市普陀区人民政府万里街道办事处"


@pytest.fixture(scope="module")
def comparison_warehouse(disclosures_run):
    """The warehouse of the session's run over :data:`FILES` and the rendered 深圳 targets table
    (``tests/shared_runs.py``; ``test_three_public_job`` reads it too, 珠海 市商务局 2026 is there as well)."""
    return disclosures_run[1]


def test_yoy_by_function_class_wanli_and_jiangsu(comparison_warehouse):
    wh = comparison_warehouse
    # 万里 支出预算总表: 212 城乡社区支出 119,385,303 元 (2024 p19) → 154,369,326 元 (2025 p17)
    rows = query(wh, """SELECT prior_yuan, current_yuan, change_yuan, change_rate, prior_page, current_page, presence
                        FROM marts.rpt_yoy_function_expenditure
                        WHERE department_name = ? AND fund_type = 'all_funds' AND function_code = '212'""", [WANLI])
    assert rows == [(D("119385303.00"), D("154369326.00"), D("34984023.00"), 0.293, 19, 17, "both")]
    # Σ of the 类 = the 合计 printed on the 支出预算总表: 156,211,123 (2024 p20) and 189,767,551 (2025 p18)
    assert query(wh, """SELECT sum(prior_yuan), sum(current_yuan), sum(change_wan) FROM marts.rpt_yoy_function_expenditure
                        WHERE department_name = ? AND fund_type = 'all_funds' AND function_level = 'class'""",
                 [WANLI]) == [(D("156211123.00"), D("189767551.00"), D("3355.642800"))]
    # 江苏省人民检察院 公开07表 (万元): 2040401 行政运行 10,883.36 (2018 p17) → 12,268.62 (2019 p18)
    assert query(wh, """SELECT prior_wan, current_wan, change_wan, prior_year, current_year
                        FROM marts.rpt_yoy_function_expenditure
                        WHERE department_name = '江苏省人民检察院' AND function_code = '2040401'""") == [
        (D("10883.360000"), D("12268.620000"), D("1385.260000"), 2018, 2019)]
    # a code printed in one year only: 2040405 公诉、审判、侦查、执行等检察监督支出 1895.00 (2018 p17) is gone in
    # 2019, 2040410 检察监督 1,185.60 (2019 p18) is new
    rows = dict(query(wh, """SELECT function_code, presence FROM marts.rpt_yoy_function_expenditure
                             WHERE department_name = '江苏省人民检察院' AND presence <> 'both'"""))
    assert rows == {"2040405": "prior_only", "2040410": "current_only", "2040450": "current_only",
                    "2040499": "current_only"}


def test_yoy_by_economic_class_and_three_public(comparison_warehouse):
    wh = comparison_warehouse
    # 一般公共预算基本支出经济分类预算表: 301 01 基本工资 5,873,551 (2024 p29) → 6,084,184 (2025 p27)
    assert query(wh, """SELECT prior_yuan, current_yuan, change_yuan, prior_page, current_page
                        FROM marts.rpt_yoy_economic_expenditure
                        WHERE department_name = ? AND economic_code = '30101'""", [WANLI]) == [
        (D("5873551.00"), D("6084184.00"), D("210633.00"), 29, 27)]
    # 三公经费和机关运行经费预算表 (万元): 合计 47.91 (2024 p31) → 37.91 (2025 p29); 购置费 25 → 15;
    # 公务接待费 1.35 → 1.35; 机关运行经费 443.18 → 464.64
    rows = {r[0]: r[1:] for r in query(wh, """
        SELECT expense, prior_wan, current_wan, change_wan, change_rate, prior_page, current_page
        FROM marts.rpt_yoy_three_public_expenses WHERE department_name = ?""", [WANLI])}
    assert rows["total"] == (D("47.910000"), D("37.910000"), D("-10.000000"), -0.2087, 31, 29)
    assert rows["vehicle_purchase"][:3] == (D("25.000000"), D("15.000000"), D("-10.000000"))
    assert rows["official_reception"][:3] == (D("1.350000"), D("1.350000"), D("0.000000"))
    assert rows["administrative_operating"][:3] == (D("443.180000"), D("464.640000"), D("21.460000"))
    assert rows["outbound_travel"][3] is None  # 0 → 0: no rate


def test_budget_vs_final_from_the_budget_printed_in_the_final_accounts(comparison_warehouse):
    wh = comparison_warehouse
    # 佛山 表7 一般公共预算财政拨款“三公”经费支出决算表 p21 (万元): 预算数 合计 0.00 | 决算数 合计 0.16, 公务接待费 0.16
    rows = {r[0]: r[1:] for r in query(wh, """
        SELECT expense, budget_source, budget_yuan, final_yuan, difference_yuan, budget_page, final_page
        FROM marts.rpt_budget_vs_final_three_public WHERE department_name = '佛山市轨道交通局'""")}
    assert rows["total"] == ("printed_in_final_accounts", D("0.00"), D("1600.00"), D("1600.00"), 21, 21)
    assert rows["official_reception"][1:3] == (D("0.00"), D("1600.00"))
    assert len(rows) == 6
    # 上海 普陀区财政局 p18 prints only the 预算数 (合计 0.95, 公务接待费 0.95 万元); its 决算数 cells are empty
    assert query(wh, """SELECT expense, budget_yuan, final_yuan FROM marts.rpt_budget_vs_final_three_public
                        WHERE department_name = '上海市普陀区财政局' ORDER BY expense""") == [
        ("official_reception", D("9500.00"), None), ("total", D("9500.00"), None)]
    # the function tables of both 决算 print no budget column: their rows have no budget side
    assert query(wh, """SELECT count(*), count(budget_source) FROM marts.rpt_budget_vs_final_by_function
                        WHERE final_accounts_document_id IS NOT NULL""")[0][1] == 0


def test_targets_against_the_budget_across_documents(comparison_warehouse):
    wh = comparison_warehouse
    rows = {(r[0], r[1]): r[2:] for r in query(wh, """
        SELECT comparison, project_name, targets_page, targets_amount_wan, bundle_page, bundle_amount_wan,
               difference_wan, status, bundle_file_name
        FROM marts.rpt_targets_vs_budget_projects WHERE targets_file_name = ?""", [SHENZHEN_TARGETS])}
    bundle = "深圳_市信访局_2026_部门预算.pdf"
    # 表5 项目支出总表 p23 (万元): 社工服务项目 498.82, 信访专项 486.39; the department's row 深圳市信访局 1,612.29
    assert rows[("project", "社工服务项目")] == (1, D("498.82"), 23, D("498.820000"), D("0.000000"), "equal", bundle)
    assert rows[("project", "信访专项")][:6] == (1, D("480.00"), 23, D("486.390000"), D("-6.390000"), "differs")
    assert rows[("project", "信访宣传经费")][5] == "targets_only"
    assert rows[("project", "信访大厅运行")][3:6] == (D("603.840000"), None, "bundle_only")  # p23: 603.84
    assert rows[("total", "合计")][:6] == (1, D("998.82"), 23, D("1612.290000"), D("-613.470000"), "differs")
    # inside the real 深圳 bundle: the 项目支出绩效目标表 (p10-11) against its own 项目支出总表 (p23): every
    # project equal; 合计 1,612.30 (the units' sum the reader derives) against the printed 1,612.29 (a 0.01 rounding)
    inside = query(wh, """SELECT project_name, targets_page, status FROM marts.rpt_targets_vs_budget_projects
                          WHERE targets_file_name = ? AND comparison = 'project' ORDER BY project_name""", [bundle])
    assert ("社工服务项目", 10, "equal") in inside and ("信访专项", 11, "equal") in inside
    assert {status for _, _, status in inside} == {"equal"}
    assert query(wh, """SELECT targets_amount_wan, bundle_amount_wan, status FROM marts.rpt_targets_vs_budget_projects
                        WHERE targets_file_name = ? AND comparison = 'total'""", [bundle]) == [
        (D("1612.30"), D("1612.290000"), "differs")]
    # 广州 市统计局: 表12 部门预算项目支出及其他支出预算表 合计 1,082.05 (p21) against the 绩效目标 table's 736.91
    # (p25: 534.72 + 195.19 + 7.00): 统计专项经费 195.19 on both pages; the table lists projects with no target
    gz = {r[0]: r[1:] for r in query(wh, """
        SELECT project_name, targets_amount_wan, bundle_amount_wan, status FROM marts.rpt_targets_vs_budget_projects
        WHERE department = '广州市统计局'""")}
    assert gz["合计"] == (D("736.91"), D("1082.050000"), "differs")
    assert gz["统计专项经费"] == (D("195.19"), D("195.190000"), "equal")
    assert gz["机构运行辅助经费"] == (None, D("86.370000"), "bundle_only")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_export_opens_in_libreoffice_with_the_sheets_and_totals(comparison_warehouse, tmp_path):
    wh = comparison_warehouse
    result = write_export(wh / "serving.duckdb", tmp_path / "export")
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required under CI (make libreoffice)")
        pytest.skip("LibreOffice is not installed (make libreoffice)")
    out = tmp_path / "lo"
    # every sheet to its own CSV (filter option token 12 = -1), UTF-8 (76), comma-separated, as shown
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(out), str(result.workbook)], check=True, capture_output=True, timeout=120)
    stem = Path(WORKBOOK_NAME).stem
    sheets = {p.name[len(stem) + 1:-4]: p for p in out.glob("*.csv")}
    expected = {"功能分类支出", "同比（功能分类）", "同比（经济分类）", "同比（三公经费）", "预算与决算（功能分类）",
                "预算与决算（三公经费）", "发现（公开表勾稽）", "绩效目标与预算（项目）"}
    assert expected <= set(sheets)
    assert ("绩效目标与完成" in sheets) == ("targets_vs_outcomes" in result.rows)

    def rows(name):
        with open(sheets[name], encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    # 万里 2025 over 2024, all funds, the 类 rows: Σ 本年 = 18,976.7551 万元 = the 合计 189,767,551 元 (2025 p18)
    yoy = [r for r in rows("同比（功能分类）") if r["部门"] == WANLI and r["资金性质"] == "all_funds" and r["层级"] == "class"]
    assert round(sum(float(r["本年金额（万元）"].replace(",", "")) for r in yoy), 4) == 18976.7551
    assert round(sum(float(r["上年金额（万元）"].replace(",", "")) for r in yoy), 4) == 15621.1123
    three = {r["项目代码"]: r for r in rows("同比（三公经费）") if r["部门"] == WANLI}
    assert (three["total"]["上年金额（万元）"], three["total"]["本年金额（万元）"], three["total"]["增减率（%）"]) == (
        "47.91", "37.91", "-20.87%")
    bvf = {r["项目"]: r for r in rows("预算与决算（三公经费）") if r["部门"] == "佛山市轨道交通局"}
    assert any(r["决算数（万元）"] == "0.16" and r["预算数来源"] == "printed_in_final_accounts" for r in bvf.values())
    # the CSV written beside the workbook: same rows, UTF-8 with BOM
    assert result.csvs["yoy_three_public"].read_bytes()[:3] == b"\xef\xbb\xbf"
    assert result.rows["yoy_function"] == len(rows("同比（功能分类）"))
