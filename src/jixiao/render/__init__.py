"""Official outputs: 自评表 forms (xlsx, docx, pdf) from templates kept as files, the narrative
report, and the Excel entry template with its import.

Public API: `forms.list_forms()`, `forms.render_form(report, form_id, to, out)`,
`narrative.render_narrative(...)`, `entry.write_template(...)`, `entry.import_template(...)`.
"""
