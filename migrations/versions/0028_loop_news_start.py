"""reminder_news_start: news is told from when the installation began telling it;
明天的任务 keyed by the task's day

The release that brought 任务已取消, 任务时间地点有变, 服务时长已改正 and 账号安全 would
have told, at its first run, of every cancellation, move and reset link of the last
REMINDER_LOOKBACK_DAYS (14) for tasks still to come, as if it were news: a burst of
uncapped messages (an SMS each) about things settled days before. Each of those kinds
(``Kind.news``) now tells only of events after its row here, which this migration
writes with the time of the upgrade.

明天的任务 was keyed by the task's start (``task:{id}:{YYYYMMDDHHMM}``, UTC), so a task
moved within its day got a second one; it is keyed by the task's day now
(``task:{id}:{YYYYMMDD}``, Asia/Shanghai). The rows of the last two days are given the
new key, so an upgrade in the evening does not announce tomorrow's tasks again; a
second row of the same member, task, day and channel (the start moved within the day)
keeps its old key and, if still waiting, is ``obsolete`` (``superseded``): one 明天的任务
per task and day.

Revision ID: 0028_loop_news_start
Revises: 0026_need_tasked
Create Date: 2026-12-02 21:00:00.000000

"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028_loop_news_start'
down_revision = '0026_need_tasked'
branch_labels = None
depends_on = None

NEWS = ('cancelled', 'changed', 'hours_corrected', 'password_reset')
LOCAL = ZoneInfo('Asia/Shanghai')


def _day_key(key: str) -> str | None:
    """``tomorrow:m3:task:31:202612042330:sms`` → ``tomorrow:m3:task:31:20261205:sms``."""
    parts = key.split(':')
    if len(parts) != 6 or parts[2] != 'task' or len(parts[4]) != 12:
        return None
    try:
        start = datetime.strptime(parts[4], '%Y%m%d%H%M').replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    parts[4] = f"{start.astimezone(LOCAL):%Y%m%d}"
    return ':'.join(parts)


def upgrade():
    table = op.create_table(
        'reminder_news_start',
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('kind', name=op.f('pk_reminder_news_start')),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(table, [{'kind': kind, 'started_at': now} for kind in NEWS])

    bind = op.get_bind()
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('dedupe_key', sa.String), sa.column('status', sa.String),
                      sa.column('reason', sa.String), sa.column('created_at', sa.DateTime))
    recent = bind.execute(
        sa.select(outbox.c.id, outbox.c.dedupe_key)
        .where(outbox.c.kind == 'tomorrow', outbox.c.created_at > now - timedelta(days=2))
        .order_by(outbox.c.id)).all()
    taken = {key for _id, key in recent}
    for row_id, key in recent:
        new = _day_key(key)
        if new is None:
            continue
        this = outbox.update().where(outbox.c.id == row_id)
        if new in taken:
            bind.execute(this.where(outbox.c.status == 'pending')
                         .values(status='obsolete', reason='superseded'))
            continue
        taken.add(new)
        bind.execute(this.values(dedupe_key=new))


def downgrade():
    op.drop_table('reminder_news_start')
