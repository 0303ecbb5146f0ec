-- DuckDB staging tables written by Python (orchestration/warehouse.py), one
-- transaction per document. dbt reads them as the source `staging`
-- (dbt_project/models/staging/_sources.yml). Amounts are DECIMAL(18,2) in 万元.

CREATE SCHEMA IF NOT EXISTS staging;

-- One row per input file (document id = SHA-256 of the bytes).
CREATE TABLE IF NOT EXISTS staging.documents (
    document_id      VARCHAR PRIMARY KEY,   -- sha256 hex of the file bytes
    file_name        VARCHAR NOT NULL,      -- base name as received
    source_path      VARCHAR,               -- where it was read from
    format           VARCHAR NOT NULL,      -- txt | tsv | pdf | unknown
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

-- 项目支出绩效目标表 rows: total → spending units → projects.
CREATE TABLE IF NOT EXISTS staging.budget_lines (
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

-- 绩效指标: one row per numbered indicator of a project.
CREATE TABLE IF NOT EXISTS staging.performance_indicators (
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
    PRIMARY KEY (document_id, line_no, seq)
);

-- Audit log of parser decisions and repairs.
CREATE TABLE IF NOT EXISTS staging.parse_events (
    document_id  VARCHAR NOT NULL,
    event_no     INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,
    detail       VARCHAR NOT NULL,
    source_line  INTEGER,
    source_page  INTEGER,
    PRIMARY KEY (document_id, event_no)
);
