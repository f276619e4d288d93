"""Liaison pages: home, managing tasks, the review queue, stale tasks."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..permissions import staff_required

bp = Blueprint("review", __name__)


@bp.get("/")
@staff_required
def home():
    return render_template("tasks/open.html")


@bp.get("/reviews")
@staff_required
def queue():
    return render_template("tasks/open.html")
