"""Table readers: one kind of table → records.

- :mod:`.budget_tables` — the standard tables of a 部门预算 / 部门决算 disclosure
  (row labels and codes on the left, amount columns on the right, one or two sides);
- :mod:`.project_targets_pdf` — the 项目支出绩效目标表 drawn in a PDF (band reader); it and the
  部门整体绩效目标 reader (:mod:`.department_targets_pdf`, fed rows to :mod:`.department_targets_text`, which also reads text extracts; :mod:`.project_targets_text` reads the 项目支出绩效目标表 text layouts)
  are the kinds ``project_targets`` and ``department_targets``; they read
  their whole document and are dispatched from :func:`orchestration.parsing.pdf_document.parse_pdf`.
"""
