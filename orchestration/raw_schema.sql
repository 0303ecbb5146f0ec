-- The DuckDB schema `raw`: tables written by Python (orchestration/ingestion/loading.py), one
-- transaction per document. dbt reads them as the source `raw`
-- (dbt_project/models/staging/_sources.yml; its stg_ models select from it). Amounts are DECIMAL(18,2) in 万元.

CREATE SCHEMA IF NOT EXISTS raw;

-- 文件登记 document registry: one row per input file, whatever its fate (loaded, registered, quarantined).
-- The document id is the SHA-256 of the file bytes.
CREATE TABLE IF NOT EXISTS raw.documents (
    document_id      VARCHAR PRIMARY KEY,   -- sha256 hex of the file bytes
    file_name        VARCHAR NOT NULL,      -- base name as received
    source_path      VARCHAR,               -- where it was read from
    format           VARCHAR NOT NULL,      -- txt | tsv | pdf | xlsx | xls | docx | html | unknown
    layout           VARCHAR,               -- line_flow | rows_then_indicators | tab_separated | department_targets_tsv | pdf_table
    doc_type         VARCHAR,               -- project_targets | department_targets | NULL if not recognised
    title            VARCHAR,
    department       VARCHAR,               -- 部门名称
    fiscal_year      INTEGER,               -- NULL where the document does not state it
    page_count       INTEGER,
    byte_size        BIGINT NOT NULL,
    parser_version   VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,      -- loaded | registered | quarantined
    error            VARCHAR,               -- reason a person can act on (quarantined)
    ingested_at      TIMESTAMP NOT NULL,    -- last (re)load of these bytes, UTC
    first_seen_at    TIMESTAMP NOT NULL     -- first load of these bytes, UTC; orders versions of a document
);
-- Where fiscal_year was read: title | cover | 编制说明 | file_name; NULL with fiscal_year NULL (no evidence).
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS fiscal_year_source VARCHAR;
-- The Dagster run that last staged these bytes (issue 29: documents are registry rows, not partitions; the UI's
-- run page tells what happened to the file). NULL for rows written outside a run.
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS run_id VARCHAR;

-- 项目支出绩效目标表 rows in document order: the 合计 department total, then each 资金使用单位
-- spending-unit subtotal followed by its projects.
CREATE TABLE IF NOT EXISTS raw.budget_lines (
    document_id                  VARCHAR NOT NULL,
    line_no                      INTEGER NOT NULL,  -- order in the document after de-duplication
    line_type                    VARCHAR NOT NULL,  -- department_total | spending_unit | project
    spending_unit                VARCHAR,           -- 资金使用单位 (NULL on the total row)
    project_name                 VARCHAR,           -- 项目名称 (project rows only)
    amount_total                 DECIMAL(18, 2),    -- 总计, 万元
    amount_fiscal_appropriation  DECIMAL(18, 2),    -- 财政拨款, 万元
    amount_special_account       DECIMAL(18, 2),    -- 财政专户拨款, 万元
    amount_other                 DECIMAL(18, 2),    -- 其他资金, 万元
    amount_columns_rule          VARCHAR,           -- how amounts were assigned to columns
    goal_text                    VARCHAR,           -- 绩效目标
    source_line                  INTEGER,
    source_page                  INTEGER,
    bbox_x0                      DOUBLE,
    bbox_top                     DOUBLE,
    bbox_x1                      DOUBLE,
    bbox_bottom                  DOUBLE,
    PRIMARY KEY (document_id, line_no)
);

-- 绩效指标 one row per numbered indicator of a project, e.g. "1、1-产出指标；11-数量指标；文化活动场次；
-- 实施周期指标值:不少于4场；年度指标值:不少于4场。"
CREATE TABLE IF NOT EXISTS raw.performance_indicators (
    document_id      VARCHAR NOT NULL,
    line_no          INTEGER NOT NULL,      -- budget_lines.line_no of the project
    seq              INTEGER NOT NULL,      -- 1-based after renumbering
    seq_as_written   INTEGER,
    level1_code      VARCHAR,               -- 一级指标 code, e.g. '1'
    level1_name      VARCHAR,               -- e.g. 产出指标
    level2_code      VARCHAR,               -- 二级指标 code, e.g. '11'
    level2_name      VARCHAR,               -- e.g. 数量指标
    indicator_name   VARCHAR,               -- 三级指标
    period_target    VARCHAR,               -- 实施周期指标值 (raw text)
    annual_target    VARCHAR,               -- 年度指标值 (raw text)
    renumbered       BOOLEAN NOT NULL,
    raw_text         VARCHAR NOT NULL,
    source_line      INTEGER,
    source_page      INTEGER,
    bbox_x0          DOUBLE,
    bbox_top         DOUBLE,
    bbox_x1          DOUBLE,
    bbox_bottom      DOUBLE,
    template         VARCHAR,               -- guangzhou_cell (绩效指标 cell text) | national_grid (一级/二级/三级指标 rows)
    operator         VARCHAR,               -- 指标性质 as printed (≥ ≤ = 定性), national grid
    measure_unit     VARCHAR,               -- 度量单位 / 计量单位 as printed, national grid
    weight           DOUBLE,                -- 权重 / 分值, national grid
    direction        VARCHAR,               -- 指标方向性: positive (正向) | negative (反向)
    standard         VARCHAR,               -- 绩效标准 as printed (计划标准 …)
    source_address   VARCHAR,               -- cell address outside PDF ('Sheet1!I7', 'table 1 row 9 col 4')
    PRIMARY KEY (document_id, line_no, seq)
);
-- Columns added by issue 14: an older warehouse file upgrades in place.
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS template VARCHAR;
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS operator VARCHAR;
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS measure_unit VARCHAR;
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS weight DOUBLE;
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS direction VARCHAR;
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS standard VARCHAR;
ALTER TABLE raw.performance_indicators ADD COLUMN IF NOT EXISTS source_address VARCHAR;

-- Normalized targets (orchestration/parsing/targets.py:TargetValue): one
-- column per field and target, period_* / annual_* on performance_indicators
-- and expected_* on department_indicators. They are generated from the
-- dataclasses by orchestration/ingestion/loading.py:flattened_columns_ddl() and added
-- with ALTER … ADD COLUMN IF NOT EXISTS on every connect, so the column list
-- has one source and an older warehouse file upgrades in place.

-- 解析日志 audit log of parser decisions and repairs.
CREATE TABLE IF NOT EXISTS raw.parse_events (
    document_id  VARCHAR NOT NULL,
    event_no     INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,
    detail       VARCHAR NOT NULL,
    source_line  INTEGER,
    source_page  INTEGER,
    PRIMARY KEY (document_id, event_no)
);

-- ---------------------------------------------------------------------------
-- 部门整体绩效目标 (department-wide performance targets), doc_type
-- department_targets. Written in the same transaction as raw.documents.
-- Amounts here are DECIMAL(18,2) in 元 (CNY) as the form prints them, NOT 万元.
-- task_no 0 = the department-wide (overall) goal and indicator table.
-- 填报人 and 联系电话 (a person's name and phone) are not stored: only whether
-- they were filled in. The original file keeps them.
-- ---------------------------------------------------------------------------

-- 部门整体绩效目标 one row per department_targets document: the facts outside the tables.
CREATE TABLE IF NOT EXISTS raw.department_targets (
    document_id                       VARCHAR PRIMARY KEY,
    department                        VARCHAR,           -- 部门名称
    fiscal_year                       INTEGER,           -- from the title （2023）年
    finance_office                    VARCHAR,           -- 财政主管处室
    function_summary                  VARCHAR,           -- 部门职能概述
    income_total_yuan                 DECIMAL(18, 2),    -- 本年度部门预算收入 总额, 元
    income_fiscal_appropriation_yuan  DECIMAL(18, 2),    -- 财政拨款收入, 元
    income_special_account_yuan       DECIMAL(18, 2),    -- 财政专户管理资金, 元
    income_other_yuan                 DECIMAL(18, 2),    -- 其他收入, 元
    overall_goal                      VARCHAR,           -- 年度目标 / 部门整体支出目标
    other_notes                       VARCHAR,           -- 其他需要说明的情况
    filled_on                         DATE,              -- 填报日期
    filler_named                      BOOLEAN NOT NULL,  -- 填报人 filled in (name not stored)
    contact_phone_given               BOOLEAN NOT NULL,  -- 联系电话 filled in (number not stored)
    source_line                       INTEGER
);

-- 部门整体绩效目标 tasks (任务N), one row each.
CREATE TABLE IF NOT EXISTS raw.department_tasks (
    document_id    VARCHAR NOT NULL,
    task_no        INTEGER NOT NULL,   -- N of 任务N
    task_name      VARCHAR,            -- 任务名称
    goal_text      VARCHAR,            -- 任务的绩效目标
    projects       VARCHAR[],          -- 主要实施项目, split into a list
    projects_text  VARCHAR,            -- 主要实施项目 as written
    source_line    INTEGER,
    PRIMARY KEY (document_id, task_no)
);

-- 部门整体绩效指标 one row per indicator-table row (overall: task_no 0).
CREATE TABLE IF NOT EXISTS raw.department_indicators (
    document_id       VARCHAR NOT NULL,
    task_no           INTEGER NOT NULL,  -- 0 = overall, else 任务N
    seq               INTEGER NOT NULL,  -- 1-based row within the task
    level1_name       VARCHAR,           -- 一级指标
    level2_name       VARCHAR,           -- 二级指标 (category description)
    indicator_name    VARCHAR,           -- 三级指标
    explanation       VARCHAR,           -- 指标解释
    formula           VARCHAR,           -- 指标说明及公式
    expected_value    VARCHAR,           -- 预期指标 / 预期达到目标 (raw text)
    calculation_unit  VARCHAR,           -- 计算单位
    level1_carried    BOOLEAN NOT NULL,  -- blank merged cell, value carried down
    level2_carried    BOOLEAN NOT NULL,
    repairs           VARCHAR[] NOT NULL,-- repair codes applied (see parse_events)
    raw_row           VARCHAR NOT NULL,  -- the source line as extracted
    source_line       INTEGER,
    source_page       INTEGER,
    weight            DOUBLE,            -- 权重 / 分值, national grid
    direction         VARCHAR,           -- 指标方向性: positive (正向) | negative (反向)
    standard          VARCHAR,           -- 绩效标准 as printed (计划标准 …)
    PRIMARY KEY (document_id, task_no, seq)
);
-- The national grid's own columns on department indicators, for a warehouse file created before them.
ALTER TABLE raw.department_indicators ADD COLUMN IF NOT EXISTS weight DOUBLE;
ALTER TABLE raw.department_indicators ADD COLUMN IF NOT EXISTS direction VARCHAR;
ALTER TABLE raw.department_indicators ADD COLUMN IF NOT EXISTS standard VARCHAR;
-- The taxonomy codes of the printed categories (the 二级 decides the 一级) and the 实施周期指标值
-- of the national and 2026 forms (expected_value is then the 年度指标值).
ALTER TABLE raw.department_indicators ADD COLUMN IF NOT EXISTS level1_code VARCHAR;   -- 一级指标 code (1 产出 … 4 成本)
ALTER TABLE raw.department_indicators ADD COLUMN IF NOT EXISTS level2_code VARCHAR;   -- 二级指标 code (11 数量 … 41 经济成本)
ALTER TABLE raw.department_indicators ADD COLUMN IF NOT EXISTS period_value VARCHAR;  -- 实施周期指标值 as printed
-- The budget split of the 预算整体情况 block (2026 部门整体预算绩效目标申报表; 支出构成 of the national
-- form), in 元 like the income columns: converted once from the 万元 the form prints.
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS expenditure_basic_yuan DECIMAL(18, 2);          -- 基本支出, 元
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS expenditure_project_yuan DECIMAL(18, 2);        -- 项目支出, 元
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS development_special_funds_yuan DECIMAL(18, 2);  -- 事业发展性支出: 财政专项资金, 元
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS development_other_yuan DECIMAL(18, 2);         -- 事业发展性支出: 其他事业发展性支出, 元
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS own_level_use_yuan DECIMAL(18, 2);             -- 按预算级次: 市本级使用资金, 元
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS transfer_to_lower_levels_yuan DECIMAL(18, 2);  -- 按预算级次: 拟用于对下转移支付资金, 元
ALTER TABLE raw.department_targets ADD COLUMN IF NOT EXISTS amount_unit_printed VARCHAR;                   -- 万元 | 元 | NULL (not stated)
-- 年度重点工作任务 rows: 主要实施内容 and 拟投入的资金 (元, converted once from the 万元 printed).
ALTER TABLE raw.department_tasks ADD COLUMN IF NOT EXISTS content_text VARCHAR;          -- 主要实施内容
ALTER TABLE raw.department_tasks ADD COLUMN IF NOT EXISTS amount_yuan DECIMAL(18, 2);    -- 拟投入的资金, 元

-- ---------------------------------------------------------------------------
-- 部门预算 / 部门决算 disclosures (doc_type budget_disclosure, layout pdf_bundle):
-- the document as a sequence of tables (orchestration/parsing/spine.py).
-- Amounts are DECIMAL(18,2) exactly as printed, in the unit each table states
-- (元 or 万元, column `unit`); dbt derives both 元 and 万元.
-- ---------------------------------------------------------------------------

-- 表目录 table inventory: every table and narrative page of a document, read or not.
CREATE TABLE IF NOT EXISTS raw.document_tables (
    document_id    VARCHAR NOT NULL,
    entry_no       INTEGER NOT NULL,   -- 1-based, page order
    entry_type     VARCHAR NOT NULL,   -- table | narrative
    kind           VARCHAR NOT NULL,   -- classifier kind (income_expenditure_summary …) | narrative | unknown
    title          VARCHAR,            -- table title as printed / a narrative page's first line
    first_page     INTEGER NOT NULL,
    last_page      INTEGER NOT NULL,
    fund_type      VARCHAR,            -- general_public | government_fund | state_capital (function tables)
    stage          VARCHAR,            -- budget 预算 | final_accounts 决算
    unit           VARCHAR,            -- 元 | 万元 | NULL (not stated)
    row_count      INTEGER NOT NULL,   -- body rows read
    amount_count   INTEGER NOT NULL,   -- non-empty amount cells read
    column_labels  VARCHAR[] NOT NULL, -- header labels, multi-line labels joined, levels joined with /
    read           BOOLEAN NOT NULL,   -- a table reader read its rows
    table_no       INTEGER,            -- 1-based among tables (budget_table_rows.table_no); NULL for narrative
    bbox_x0        DOUBLE,
    bbox_top       DOUBLE,
    bbox_x1        DOUBLE,
    bbox_bottom    DOUBLE,
    PRIMARY KEY (document_id, entry_no)
);

-- 表行 one row per body row (and side) of a standard table.
CREATE TABLE IF NOT EXISTS raw.budget_table_rows (
    document_id   VARCHAR NOT NULL,
    table_no      INTEGER NOT NULL,
    row_no        INTEGER NOT NULL,
    side_no       INTEGER NOT NULL,   -- 1, or 2 for the right side of a 收支总表
    side_label    VARCHAR,            -- 本年收入 / 本年支出 / 收入 / 支出 …
    row_kind      VARCHAR NOT NULL,   -- item | total (合计/总计/小计)
    code          VARCHAR,            -- function / economic class code, digits (204, 20406, 2040601)
    class_code    VARCHAR,            -- 类
    section_code  VARCHAR,            -- 款
    item_code     VARCHAR,            -- 项
    name          VARCHAR,            -- 科目名称 / 项目
    source_page   INTEGER NOT NULL,
    bbox_x0       DOUBLE,
    bbox_top      DOUBLE,
    bbox_x1       DOUBLE,
    bbox_bottom   DOUBLE,
    PRIMARY KEY (document_id, table_no, row_no)
);
-- A class table printed with names and no codes: the row's level (1 类, 2 款, 3 项) and its names from the 类
-- down (公共安全支出/司法/行政运行), proved by the table's sums (parsing/readers/outline.py); NULL otherwise.
ALTER TABLE raw.budget_table_rows ADD COLUMN IF NOT EXISTS outline_level INTEGER;
ALTER TABLE raw.budget_table_rows ADD COLUMN IF NOT EXISTS outline_path VARCHAR;
-- A row classified twice or more (支出功能分类 | 政府支出经济分类 | 部门支出经济分类, 北京): the other classifications'
-- codes as '<column label> <code>' joined with '; ' (code holds the table's own).
ALTER TABLE raw.budget_table_rows ADD COLUMN IF NOT EXISTS cross_codes VARCHAR;

-- 金额 one row per non-empty amount cell of a standard table.
CREATE TABLE IF NOT EXISTS raw.budget_table_amounts (
    document_id     VARCHAR NOT NULL,
    table_no        INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    side_no         INTEGER NOT NULL,
    column_no       INTEGER NOT NULL,  -- 1-based column of the grid
    column_label    VARCHAR NOT NULL,  -- header label as printed
    column_role     VARCHAR,           -- total | basic | project | fiscal_appropriation | general_public | …
    column_measure  VARCHAR,           -- budget (预算数) | final (决算数) | NULL
    amount          DECIMAL(24, 6) NOT NULL,  -- as printed (北京 prints 万元 to six decimals: 0.000001 万元 = 0.01 元)
    unit            VARCHAR,           -- 元 | 万元 | NULL
    source_page     INTEGER NOT NULL,
    PRIMARY KEY (document_id, table_no, row_no, column_no)
);
-- “三公”经费 tables: the fund a cell is split by and the unit a row names (readers/three_public.py).
ALTER TABLE raw.budget_table_amounts ADD COLUMN IF NOT EXISTS fund VARCHAR;
ALTER TABLE raw.budget_table_amounts ADD COLUMN IF NOT EXISTS spending_unit VARCHAR;

-- 表格单元格 the generic table store: one row per non-empty cell (where a merged cell starts) of a table
-- no reader read (kind unknown, or a kind without a reader), so nothing of it is lost.
CREATE TABLE IF NOT EXISTS raw.table_cells (
    document_id  VARCHAR NOT NULL,
    table_no     INTEGER NOT NULL,   -- raw.document_tables.table_no
    row_no       INTEGER NOT NULL,   -- 1-based row of the table's grid (header rows included)
    column_no    INTEGER NOT NULL,   -- 1-based column
    text         VARCHAR NOT NULL,   -- as printed, wrapped lines joined
    source_page  INTEGER NOT NULL,
    address      VARCHAR,            -- Sheet1!B7 / table 2 row 5 col 3 (non-PDF formats)
    bbox_x0      DOUBLE,
    bbox_top     DOUBLE,
    bbox_x1      DOUBLE,
    bbox_bottom  DOUBLE,
    PRIMARY KEY (document_id, table_no, row_no, column_no)
);

-- 部门预算/决算 one row per budget_disclosure document: scope, stage, template flag.
CREATE TABLE IF NOT EXISTS raw.disclosures (
    document_id  VARCHAR PRIMARY KEY,
    scope        VARCHAR NOT NULL,   -- department 部门 | unit 单位
    stage        VARCHAR,            -- budget 预算 | final_accounts 决算
    is_template  BOOLEAN NOT NULL    -- a blank form: standard tables without one amount
);

-- 说明中的主要数字 headline figures stated in the prose of a 部门预算 / 决算 disclosure (doc_type budget_narrative, layout
-- pdf_narrative: a 部门预算公开文件 / 情况说明 without tables; orchestration/parsing/readers/narrative.py).
-- One row per amount a sentence states for a known measure (收支总计, 基本支出, “三公”经费 …).
CREATE TABLE IF NOT EXISTS raw.narrative_figures (
    document_id   VARCHAR NOT NULL,
    figure_no     INTEGER NOT NULL,        -- 1-based, text order
    measure       VARCHAR NOT NULL,        -- total | income_total | income | expenditure_total | basic_expenditure | three_public_total | …
    fund_type     VARCHAR,                 -- general_public | fiscal_appropriation | government_fund | … (income: the source)
    label         VARCHAR NOT NULL,        -- the clause before the amount (NFKC, no white space)
    amount        DECIMAL(18, 6) NOT NULL, -- as printed
    unit          VARCHAR NOT NULL,        -- 元 | 万元 | 亿元 as printed
    amount_yuan   DECIMAL(24, 6) NOT NULL, -- the amount in 元
    source_page   INTEGER NOT NULL,
    sentence      VARCHAR NOT NULL,        -- the sentence the figure comes from
    PRIMARY KEY (document_id, figure_no)
);

-- 绩效自评表 (performance self-evaluation, orchestration/parsing/readers/self_evaluation.py): one row per
-- evaluation — a whole 项目支出 / 部门整体绩效自评表, or one project of a list 项目名称 | 自评分数 (佛山 决算).
-- Amounts as printed in `unit` (万元 | 元 | NULL when the table states none); rates in % as printed; points.
CREATE TABLE IF NOT EXISTS raw.evaluation_summaries (
    document_id           VARCHAR NOT NULL,
    evaluation_no         INTEGER NOT NULL,   -- 1-based in the document
    table_no              INTEGER NOT NULL,   -- the table it was read from (document_tables.table_no)
    scope                 VARCHAR NOT NULL,   -- department 部门整体 | project 项目
    form                  VARCHAR NOT NULL,   -- evaluation_table | score_list
    title                 VARCHAR,            -- the table's title (部门整体绩效自评表)
    project_name          VARCHAR,            -- 项目名称 / 专项名称
    unit_name             VARCHAR,            -- 部门（单位）名称 / 主管部门 / 实施单位
    unit_code             VARCHAR,            -- 部门预算编码
    unit                  VARCHAR,            -- 万元 | 元 | NULL (not stated)
    budget_initial        DECIMAL(18, 6),     -- 年初预算数 (total row)
    budget_full           DECIMAL(18, 6),     -- 全年预算数 (小计 ③ = ①+②)
    executed              DECIMAL(18, 6),     -- 全年执行数 (年度拨付金额)
    execution_rate        DECIMAL(18, 6),     -- 执行率 % as printed
    funding_weight        DECIMAL(18, 6),     -- 分值 of the funds
    funding_score         DECIMAL(18, 6),     -- 得分 of the funds
    goal_text             VARCHAR,            -- 总体目标 预期目标
    actual_text           VARCHAR,            -- 实际完成情况
    total_weight          DECIMAL(18, 6),     -- Σ 分值 read
    total_score           DECIMAL(18, 6),     -- Σ 得分 read (score list: the printed 自评分数)
    total_weight_printed  DECIMAL(18, 6),     -- 总分值 as printed
    total_score_printed   DECIMAL(18, 6),     -- 评价总分 / 自评得分 as printed
    grade                 VARCHAR,            -- 评价等级 as printed
    indicator_count       INTEGER NOT NULL,
    first_page            INTEGER NOT NULL,
    last_page             INTEGER NOT NULL,
    bbox_x0               DOUBLE,
    bbox_top              DOUBLE,
    bbox_x1               DOUBLE,
    bbox_bottom           DOUBLE,
    PRIMARY KEY (document_id, evaluation_no)
);

-- 绩效自评表 funding rows (合计, 财政资金小计, 当年财政拨款, 上年结转资金, 其他资金 …): 年初预算数, 全年预算数,
-- 全年执行数, 执行率, 分值, 得分 as printed.
CREATE TABLE IF NOT EXISTS raw.evaluation_funding (
    document_id     VARCHAR NOT NULL,
    evaluation_no   INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    row_label       VARCHAR NOT NULL,   -- as printed, white space removed
    budget_initial  DECIMAL(18, 6),     -- 年初预算数
    adjustment      DECIMAL(18, 6),     -- 年中调整金额
    budget_full     DECIMAL(18, 6),     -- 全年预算数 / 小计
    executed        DECIMAL(18, 6),     -- 全年执行数 / 年度拨付金额
    execution_rate  DECIMAL(18, 6),     -- 执行率 %
    balance         DECIMAL(18, 6),     -- 结余金额
    balance_rate    DECIMAL(18, 6),     -- 结余率 %
    weight          DECIMAL(18, 6),     -- 分值
    score           DECIMAL(18, 6),     -- 得分
    source_page     INTEGER NOT NULL,
    bbox_x0         DOUBLE,
    bbox_top        DOUBLE,
    bbox_x1         DOUBLE,
    bbox_bottom     DOUBLE,
    PRIMARY KEY (document_id, evaluation_no, row_no)
);

-- 绩效自评表 indicators: one indicator of a self-evaluation: target (年度指标值) and outcome (实际完成值), both normalised
-- (target_* / outcome_* columns are added from TargetValue by loading.flattened_columns_ddl).
CREATE TABLE IF NOT EXISTS raw.indicator_outcomes (
    document_id               VARCHAR NOT NULL,
    evaluation_no             INTEGER NOT NULL,
    indicator_no              INTEGER NOT NULL,   -- 1-based within the evaluation
    level1_code               VARCHAR,
    level1_name               VARCHAR,            -- 一级指标
    level2_code               VARCHAR,
    level2_name               VARCHAR,            -- 二级指标
    indicator_name            VARCHAR,            -- 三级指标
    target_text               VARCHAR,            -- 年度指标值 as printed
    outcome_text              VARCHAR,            -- 实际完成值 as printed
    weight                    DECIMAL(18, 6),     -- 分值
    score                     DECIMAL(18, 6),     -- 得分
    deviation_text            VARCHAR,            -- 偏差原因分析及改进措施
    status                    VARCHAR NOT NULL,   -- met | not_met | not_comparable (parsing/outcomes.py: outcome_status)
    outcome_unit_from_target  BOOLEAN NOT NULL,   -- a bare 实际完成值 read in the target's unit
    source_page               INTEGER NOT NULL,
    bbox_x0                   DOUBLE,
    bbox_top                  DOUBLE,
    bbox_x1                   DOUBLE,
    bbox_bottom               DOUBLE,
    PRIMARY KEY (document_id, evaluation_no, indicator_no)
);

-- Evidence of the review queue (issue 27 §3): one row per evidence file that marts.rpt_review_queue names
-- (evidence_path, relative to WAREHOUSE_DIR), written by the evidence_images asset
-- (orchestration/reporting/evidence.py) after the marts, with what became of it.
CREATE TABLE IF NOT EXISTS raw.evidence_images (
    evidence_path   VARCHAR PRIMARY KEY,  -- evidence/<document_id>/p<page>-<hash>.png | …/l<line>.txt
    document_id     VARCHAR NOT NULL,
    source_page     INTEGER,
    status          VARCHAR NOT NULL,     -- rendered | present (an earlier run's) | no_source | failed | not_renderable
    reason          VARCHAR,              -- why there is no file (also in <evidence_path>.reason.json)
    located         VARCHAR,              -- bbox | needle | page | lines: how the region was found
    byte_size       BIGINT,
    width_px        INTEGER,
    height_px       INTEGER,
    render_seconds  DOUBLE,
    recorded_at     TIMESTAMP NOT NULL    -- UTC
);

-- Scanned pages read by OCR (issue 28, orchestration/parsing/formats/pdf_ocr.py): where a table's or narrative
-- page's text comes from, whether an OCR'd table's own arithmetic holds, and each OCR'd cell's confidence.
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS text_source VARCHAR;        -- text_layer | ocr | ocr:<reason> | ocr_layer | NULL (not a PDF)
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS ocr_verified BOOLEAN;       -- OCR'd table: identities hold / fail; NULL: none applies or no OCR
ALTER TABLE raw.budget_table_amounts ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE; -- lowest recogniser score (0-1) of the cell's characters; NULL: text layer
ALTER TABLE raw.table_cells ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;          -- same, for the cells of tables no reader read
