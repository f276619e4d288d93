"""Member pages: open tasks, claiming, 我的任务, confirming hours, the leader's report."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("tasks", __name__)


@bp.get("/")
@login_required
def open_tasks():
    return render_template("tasks/open.html")


@bp.get("/mine")
@login_required
def mine():
    return render_template("tasks/open.html")
