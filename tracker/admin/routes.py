"""Admin pages: units, communities, zones, categories, resource checklist, members."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..permissions import admin_required

bp = Blueprint("admin", __name__)


@bp.get("/")
@admin_required
def index():
    return render_template("tasks/open.html")
