"""The Word and Excel renderers, loaded on first use.

python-docx and openpyxl (with lxml) take about a quarter of a second to import. Most
processes never export — a gunicorn worker until someone downloads, every ``flask``
command, the reminder cron job — so the app imports them on the first export instead
of at start.
"""
from __future__ import annotations


def render_docx(summary) -> bytes:
    from .docx_export import render_docx as render

    return render(summary)


def render_xlsx(summary) -> bytes:
    from .xlsx_export import render_xlsx as render

    return render(summary)


def render_record_xlsx(record) -> bytes:
    from .xlsx_export import render_record_xlsx as render

    return render(record)


def render_participations_xlsx(summary) -> bytes:
    from .xlsx_export import render_participations_xlsx as render

    return render(summary)
