"""Every figure the app shows, as SQL aggregates: one package, one source of truth.

Official figures count approved reports only (docs/design.md, invariant 2):
activities, quantity (完成数量) and people served (受益人数) come from approved
TaskReports — one row per task, so a group's result is counted once; 人次, distinct
members and hours come from the ``done`` participations of tasks whose report is
approved. Pending (待审核) figures are computed by the same
statements and shown apart.

The figures are read from two derived tables kept by ``tracker/participation.py``:
``CountedTask`` (one row per reported task: the report's status and figures, the
task's date and dimensions, its 人次 and minutes) for everything that adds up, and
``CountedParticipation`` (one row per done participation of a reported task) for
distinct members and a member's own figures — each an index range instead of a
join per task and per participation (docs/performance.md).

One module per page family, named as the page is:

- ``scope``      which work a figure is about (Scope, periods, the WHERE rule)
- ``figures``    totals and figures: 社区共建进展, the trend, the monthly summary
- ``checklist``  资源清单 progress against the year's targets
- ``started``    when the app was first used, and whether the year's work before is in it
- ``double``     “双创”进展 by zone or community (its rows: ``double_rows``)
- ``coverage``   参与情况 of a unit
- ``member_status``  a member's own figures (我的参与情况, 我的任务, the service record)
- ``stays``      a member's stays on the roll: the unit they had on a day
- ``findings``   摸排问题 counts
- ``funds``      共建活动经费 spent and budgets
- ``home``       the liaison's 工作台
- ``batch``      how a page gets several figures in one statement: each rollup is
  also a plan (``figures_plan`` …), and ``run_together`` sends their SELECTs as
  one UNION ALL
- ``kept``       the county-wide figures of whole months from the kept summaries
- ``cache``      a page's figures once per state of the database (per worker)

Callers import a figure from the module that owns it; the scope and the totals,
which every page uses, are also importable from here.
"""
from .figures import Figures, Totals
from .scope import Scope

__all__ = ["Figures", "Scope", "Totals"]
