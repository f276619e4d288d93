"""official figures: how each category counts, targets with their measure, the
budget on the checklist, the roll, natural order, the 月报's own words

Carries the data forward (docs/design.md, "Categories"; the decisions are written
there too):

- categories get the word an activity counts in (场 / 次), the unit of their
  完成数量 and of their 受益 (each may be none) instead of one ``measure``; the ten
  reference categories get the table's values, an admin's own category keeps its
  measure as its 完成数量 unit (unless it was hours: hours are never a figure of a
  category), counts in 次 and keeps its 受益 as 人;
- reports of the four categories whose 完成数量 *was* their beneficiaries
  (电子商务培训 人次, 招商引资政策宣讲 人次, 困难群众结对帮扶 户, 慰问“空巢”老人 人)
  get that figure as their 受益; the 受益人数 they carried before, which had no unit,
  is kept in an audit row per report (action ``migrate_report_figures``), never
  dropped silently. A figure a category no longer has (a cleanup's quantity, a
  duty's "hours") stays on its report and counts nowhere; the counted rows are
  recomputed by that rule (a survey's 完成数量: its findings recorded);
- a checklist item's target names its measure: the four above count 受益, "双创"
  items 完成数量, 环境整治 and 疫情防控 activities (疫情防控's target was hours: the
  item's description says so, for an admin to set it again); 共建活动经费 items
  count money in fen, and each ledger budget becomes its item's target (an item is
  added where there was a budget and no item; an item's own old target, when it
  differed, is kept in its description); the ``fund_budget`` table goes;
- members created as admins or liaisons are off the roll (计入参与统计);
- units, communities and zones keep a natural-order ``sort_key``;
- ``summary_note`` keeps 存在问题 / 下步打算 and 已定稿 per summary and month.

The SQL and the copies below are frozen on purpose: a migration must build the
same database in five years, whatever the application code says by then.

Revision ID: 0004_official_figures
Revises: 0003_counted_rows
"""
import re
import unicodedata
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0004_official_figures"
down_revision = "0003_counted_rows"
branch_labels = None
depends_on = None

# code → (an activity is, 完成数量's unit, 受益's unit, the measure of its targets)
REFERENCE = {
    "ecommerce_training": ("场", None, "人次", "beneficiaries"),
    "policy_briefing": ("场", None, "人次", "beneficiaries"),
    "household_assistance": ("次", None, "户", "beneficiaries"),
    "cobuild_funding": (None, None, None, "money"),
    "environment_cleanup": ("次", None, None, "activities"),
    "epidemic_duty": ("次", None, None, "activities"),
    "elderly_visit": ("次", None, "人", "beneficiaries"),
    "ad_removal": ("次", "处", None, "quantity"),
    "stairwell_painting": ("次", "个", None, "quantity"),
    "facility_survey": ("次", "处", None, "quantity"),
}
# The old 完成数量 of these was their beneficiaries (in the new beneficiary unit).
QUANTITY_WAS_BENEFICIARIES = ("ecommerce_training", "policy_briefing", "household_assistance",
                              "elderly_visit")
OLD_MEASURE = {  # for the downgrade: migration 0002's measures
    "ecommerce_training": "人次", "policy_briefing": "人次", "household_assistance": "户",
    "cobuild_funding": "元", "environment_cleanup": "次", "epidemic_duty": "小时",
    "elderly_visit": "人", "ad_removal": "处", "stairwell_painting": "个",
    "facility_survey": "处",
}
HOUR_UNITS = {"小时", "时", "h", "hr", "hour", "hours", "分钟", "分", "工时"}

category = sa.table(
    "category", sa.column("id", sa.Integer), sa.column("code", sa.String),
    sa.column("measure", sa.String), sa.column("activity_unit", sa.String),
    sa.column("quantity_unit", sa.String), sa.column("beneficiary_unit", sa.String))
resource_item = sa.table(
    "resource_item", sa.column("id", sa.Integer), sa.column("unit_id", sa.Integer),
    sa.column("community_id", sa.Integer), sa.column("zone_id", sa.Integer),
    sa.column("category_id", sa.Integer), sa.column("year", sa.Integer),
    sa.column("target", sa.BigInteger), sa.column("target_measure", sa.String),
    sa.column("description", sa.Text), sa.column("active", sa.Boolean))
fund_budget = sa.table(
    "fund_budget", sa.column("id", sa.Integer), sa.column("unit_id", sa.Integer),
    sa.column("community_id", sa.Integer), sa.column("year", sa.Integer),
    sa.column("amount_fen", sa.BigInteger))
audit_event = sa.table(
    "audit_event", sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("detail", sa.JSON), sa.column("created_at", sa.DateTime))

# --- natural order: a frozen copy of tracker/natural.py ------------------------------
_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_NUMBER = re.compile(r"\d+|[〇零一二两三四五六七八九十百千万]+")


def _chinese_number(text):
    if not any(ch in _POWERS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _POWERS[ch]
            digit = None
    return total + section + (digit or 0)


def _sort_key(name):
    def padded(match):
        text = match.group(0)
        return f"{int(text) if text.isdigit() else _chinese_number(text):012d}"
    return _NUMBER.sub(padded, unicodedata.normalize("NFKC", name or ""))[:255]


# --- counted rows: the category's rule, frozen ---------------------------------------
RECOUNT_PEOPLE = """
UPDATE counted_task SET people_served = COALESCE((
    SELECT CASE WHEN c.beneficiary_unit IS NULL THEN 0 ELSE r.people_served END
    FROM task_report r JOIN category c ON c.id = counted_task.category_id
    WHERE r.task_id = counted_task.task_id), 0)
"""
RECOUNT_QUANTITY = """
UPDATE counted_task SET quantity = COALESCE((
    SELECT CASE
        WHEN c.code = 'facility_survey' THEN
            (SELECT COUNT(*) FROM finding f WHERE f.task_id = counted_task.task_id AND f.active)
        WHEN c.quantity_unit IS NULL THEN 0
        ELSE r.quantity END
    FROM task_report r JOIN category c ON c.id = counted_task.category_id
    WHERE r.task_id = counted_task.task_id), 0)
"""
RESTORE_COUNTED = """
UPDATE counted_task SET
    quantity = COALESCE((SELECT r.quantity FROM task_report r
                         WHERE r.task_id = counted_task.task_id), 0),
    people_served = COALESCE((SELECT r.people_served FROM task_report r
                              WHERE r.task_id = counted_task.task_id), 0)
"""


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _categories(conn):
    for cat_id, code, measure in conn.execute(
            sa.select(category.c.id, category.c.code, category.c.measure)).all():
        if code in REFERENCE:
            activity, quantity, beneficiary, _m = REFERENCE[code]
        else:  # an admin's own: its measure was its 完成数量's unit
            activity, beneficiary = "次", "人"
            quantity = None if (measure or "").strip().lower() in HOUR_UNITS else measure
        conn.execute(category.update().where(category.c.id == cat_id).values(
            activity_unit=activity, quantity_unit=quantity, beneficiary_unit=beneficiary))


def _report_figures(conn):
    """受益 := the old 完成数量 where that was the beneficiary figure; the old 受益人数
    (no unit) is kept in an audit row per report."""
    report = sa.table("task_report", sa.column("id", sa.Integer), sa.column("task_id", sa.Integer),
                      sa.column("quantity", sa.Integer), sa.column("people_served", sa.Integer))
    task = sa.table("task", sa.column("id", sa.Integer), sa.column("category_id", sa.Integer))
    rows = conn.execute(
        sa.select(report.c.id, report.c.quantity, report.c.people_served, category.c.code)
        .select_from(report.join(task, task.c.id == report.c.task_id)
                     .join(category, category.c.id == task.c.category_id))
        .where(category.c.code.in_(QUANTITY_WAS_BENEFICIARIES),
               report.c.quantity != report.c.people_served)).all()
    now = _now()
    events = [{"actor_id": None, "action": "migrate_report_figures", "entity_type": "task_report",
               "entity_id": report_id, "created_at": now,
               "detail": {"people_served": [old_people, quantity], "quantity": quantity,
                          "why": "完成数量是该类别的受益数（0004_official_figures）"}}
              for report_id, quantity, old_people, _code in rows]
    if events:
        op.bulk_insert(audit_event, events)
    for report_id, quantity, _old, _code in rows:
        conn.execute(report.update().where(report.c.id == report_id)
                     .values(people_served=quantity))


def _targets(conn):
    """Each item's measure; 共建活动经费 targets in fen, and the budgets moved in."""
    codes = dict(conn.execute(sa.select(category.c.id, category.c.code)).all())
    units = dict(conn.execute(sa.select(category.c.id, category.c.quantity_unit)).all())
    funding = next((cid for cid, code in codes.items() if code == "cobuild_funding"), None)
    budgets = {(u, c, y): fen for u, c, y, fen in conn.execute(sa.select(
        fund_budget.c.unit_id, fund_budget.c.community_id, fund_budget.c.year,
        fund_budget.c.amount_fen)).all()}
    items = conn.execute(sa.select(
        resource_item.c.id, resource_item.c.unit_id, resource_item.c.community_id,
        resource_item.c.zone_id, resource_item.c.category_id, resource_item.c.year,
        resource_item.c.target, resource_item.c.description).order_by(resource_item.c.id)).all()
    for item_id, unit_id, community_id, zone_id, cat_id, year, target, description in items:
        code = codes[cat_id]
        values = {}
        if code in REFERENCE:
            values["target_measure"] = REFERENCE[code][3]
        else:
            values["target_measure"] = "quantity" if units[cat_id] else "activities"
        note = None
        if code == "epidemic_duty" and target:
            note = f"（原年度目标：{target}小时。服务时长不作为年度目标，现按值守次数计，请核定。）"
        if code == "cobuild_funding":
            key = (unit_id, community_id, year)
            fen = (target or 0) * 100  # the target was in yuan
            if zone_id is None and key in budgets:
                budget = budgets.pop(key)
                if fen and fen != budget:
                    note = f"（原年度目标：{target}元；年度预算以经费台账所设{budget / 100:.2f}元为准。）"
                fen = budget
            values["target"] = fen
        if note:
            values["description"] = (description or "") + note
        conn.execute(resource_item.update().where(resource_item.c.id == item_id).values(**values))
    if funding is not None and budgets:  # a budget with no 共建活动经费 item yet
        op.bulk_insert(resource_item, [
            {"unit_id": u, "community_id": c, "zone_id": None, "category_id": funding, "year": y,
             "target": fen, "target_measure": "money", "active": True,
             "description": "年度预算（由经费台账迁入）"}
            for (u, c, y), fen in sorted(budgets.items())])


def _sort_keys(conn):
    for name in ("unit", "community", "zone"):
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("name", sa.String),
                         sa.column("sort_key", sa.String))
        for row_id, row_name in conn.execute(sa.select(table.c.id, table.c.name)).all():
            conn.execute(table.update().where(table.c.id == row_id)
                         .values(sort_key=_sort_key(row_name)))


def _add(table, name, type_, default=None):
    """A new column without rebuilding its table: SQLite would have to copy a table
    other tables point at, which its foreign keys refuse. A NOT NULL column gets a
    server default to fill the rows already there (dropped again on PostgreSQL)."""
    op.add_column(table, sa.Column(name, type_, nullable=default is None,
                                   server_default=default))


def _settle(table, name, type_):
    """After the fill: no server default left where the database can drop one."""
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, name, existing_type=type_, server_default=None)


def _drop(table, name):
    if op.get_bind().dialect.name == "sqlite":  # native since SQLite 3.35: no table copy
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')
    else:
        op.drop_column(table, name)


MEASURE_TYPE = sa.Enum("activities", "beneficiaries", "quantity", "money", name="targetmeasure",
                       native_enum=False, length=16)


def upgrade():
    conn = op.get_bind()
    op.create_table(
        "summary_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("plans", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("finalized_at", sa.DateTime(), nullable=True),
        sa.Column("finalized_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_summary_note_community_id_community")),
        sa.ForeignKeyConstraint(["finalized_by_id"], ["member.id"],
                                name=op.f("fk_summary_note_finalized_by_id_member")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_summary_note_unit_id_unit")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["member.id"],
                                name=op.f("fk_summary_note_updated_by_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_note")),
        sa.UniqueConstraint("scope_key", "year", "month", name=op.f("uq_summary_note_scope_key")),
    )

    # How each category counts, then the reports' and counted rows' figures by it.
    _add("category", "activity_unit", sa.String(length=4))
    _add("category", "quantity_unit", sa.String(length=8))
    _add("category", "beneficiary_unit", sa.String(length=8))
    _categories(conn)
    _report_figures(conn)
    op.execute(RECOUNT_PEOPLE)
    op.execute(RECOUNT_QUANTITY)

    # Targets with their measure; the budgets move onto the 共建活动经费 items.
    _add("resource_item", "target_measure", MEASURE_TYPE, default="activities")
    _targets(conn)
    _settle("resource_item", "target_measure", MEASURE_TYPE)
    op.drop_table("fund_budget")
    _drop("category", "measure")

    # The roll: members yes, accounts created as admins or liaisons no.
    _add("member", "on_roll", sa.Boolean(), default=sa.true())
    member = sa.table("member", sa.column("role", sa.String), sa.column("on_roll", sa.Boolean))
    conn.execute(member.update().values(on_roll=sa.case((member.c.role == "member", True),
                                                        else_=False)))
    _settle("member", "on_roll", sa.Boolean())

    # Natural order.
    for name in ("unit", "community", "zone"):
        _add(name, "sort_key", sa.String(length=255), default="")
    _sort_keys(conn)
    for name in ("unit", "community", "zone"):
        _settle(name, "sort_key", sa.String(length=255))
        op.create_index(op.f(f"ix_{name}_sort_key"), name, ["sort_key"], unique=False)


def downgrade():
    conn = op.get_bind()
    for name in ("zone", "community", "unit"):
        op.drop_index(op.f(f"ix_{name}_sort_key"), table_name=name)
        _drop(name, "sort_key")
    _drop("member", "on_roll")

    op.create_table(
        "fund_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_fund_budget_community_id_community")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_fund_budget_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_budget")),
        sa.UniqueConstraint("unit_id", "community_id", "year", name=op.f("uq_fund_budget_unit_id")),
    )
    money = conn.execute(
        sa.select(resource_item.c.id, resource_item.c.unit_id, resource_item.c.community_id,
                  resource_item.c.year, resource_item.c.target)
        .where(resource_item.c.target_measure == "money").order_by(resource_item.c.id)).all()
    budgets = {}
    for item_id, unit_id, community_id, year, fen in money:
        budgets.setdefault((unit_id, community_id, year), fen)
        conn.execute(resource_item.update().where(resource_item.c.id == item_id)
                     .values(target=(fen or 0) // 100))
    if budgets:
        op.bulk_insert(fund_budget, [{"unit_id": u, "community_id": c, "year": y, "amount_fen": fen}
                                     for (u, c, y), fen in sorted(budgets.items())])
    _drop("resource_item", "target_measure")

    _add("category", "measure", sa.String(length=8), default="次")
    for cat_id, code, quantity_unit in conn.execute(
            sa.select(category.c.id, category.c.code, category.c.quantity_unit)).all():
        conn.execute(category.update().where(category.c.id == cat_id).values(
            measure=OLD_MEASURE.get(code) or quantity_unit or "次"))
    _settle("category", "measure", sa.String(length=8))
    for name in ("beneficiary_unit", "quantity_unit", "activity_unit"):
        _drop("category", name)
    op.execute(RESTORE_COUNTED)  # 0003's rows: the reports' figures as typed
    op.drop_table("summary_note")
