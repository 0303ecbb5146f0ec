-- One row per department (部门) of the loaded documents.
-- department_key = dbt.hash(department) (md5 on DuckDB/Postgres; the macro
-- dispatches per adapter). fiscal_years uses the cross-database dbt.listagg.
with documents as (
    select *
    from {{ ref('stg_documents') }}
    where is_loaded and version_rank = 1  -- current version only
      and department is not null
),

projects as (
    select department, count(*) as project_count
    from {{ ref('int_projects') }}
    group by department
),

department_years as (
    select distinct department, fiscal_year
    from documents
    where fiscal_year is not null
),

years as (
    select
        department,
        min(fiscal_year)                                                    as first_fiscal_year,
        max(fiscal_year)                                                    as last_fiscal_year,
        {{ dbt.listagg("cast(fiscal_year as " ~ dbt.type_string() ~ ")", "', '", "order by fiscal_year") }}
                                                                            as fiscal_years
    from department_years
    group by department
),

departments as (
    select
        department,
        count(*)                                                            as document_count
    from documents
    group by department
)

select
    {{ dbt.hash('departments.department') }}                                as department_key,
    departments.department,
    departments.document_count,
    coalesce(projects.project_count, 0)                                     as project_count,
    years.first_fiscal_year,
    years.last_fiscal_year,
    years.fiscal_years
from departments
left join years
    on departments.department = years.department
left join projects
    on departments.department = projects.department
