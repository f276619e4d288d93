"""small2 old timeouts: a send that timed out under the old rule is not retried by the job

Before session 31 a delivery that timed out was ``timed_out`` whatever the phase: urllib
reports a connect timeout and a read timeout after the whole request was written alike,
and the SMTP deadline fired before or after DATA's final dot the same. Such a row cannot
tell "nobody has it" from "the gateway may have sent it", and the job retried it: the
duplicate SMS or robot post session 31 ended for new sends (reason ``unconfirmed``).

Every row still holding the old ``timed_out`` — pending or claimed (a retry to come), or
failed after its last try (whose new words would say 「对方未收到」) — becomes ``failed``
with reason ``timed_out_old``: never sent again by the job, listed on 提醒发送状态 with
重试 for an admin who has asked the recipient, and, for a work group's digest, in the
工作台's notice, as an ``unconfirmed`` send is; its words say the old record cannot tell
whether it arrived (``tracker/reminders/reasons.py``). A row sent since has no reason.
A ``timed_out`` written after this migration is the new one: nobody has it, retried. (One
written by session 31's code before this migration ran already meant that; nothing in the
row tells it from an old one, so it is taken as old too: a reminder nobody got waits for
an admin's 重试 rather than risking a repeat.)

Downgrade: ``unconfirmed`` (the older code's reason for "not retried, a person decides").

Revision ID: 0057_small2_old_timeouts
Revises: 0056_nextyear_item_year_index
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0057_small2_old_timeouts'
down_revision = '0056_nextyear_item_year_index'
branch_labels = None
depends_on = None


def upgrade():
    # A claimed row is one a stopped job left (the upgrade stops the reminders first):
    # its claim is dropped with it, so no lease puts it back to pending.
    op.execute("UPDATE outbox SET status = 'failed', reason = 'timed_out_old', "
               "claim_token = NULL, failed_at = COALESCE(failed_at, claimed_at, created_at) "
               "WHERE reason = 'timed_out' AND status IN ('pending', 'sending', 'failed')")


def downgrade():
    op.execute("UPDATE outbox SET reason = 'unconfirmed' WHERE reason = 'timed_out_old'")
