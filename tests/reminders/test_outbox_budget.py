"""The admin's 提醒发送状态 page within the design's budget (docs/design.md "## Budgets":
at most 6 statements a page, the same whatever the data), counted as production runs a
request (tests/page_statements.py), at two sizes of the outbox (count48's list): the
failed messages come with their total in one statement, not a page and a COUNT; the
channels' figures, their last errors and the robots on each are one statement more
(pagesa48's Open: were three)."""
from __future__ import annotations

from tests import factories as f
from tests.page_statements import page_statements
from tracker.extensions import db
from tracker.models import Channel, CommunityWebhook, Outbox, OutboxStatus
from tracker.timeutil import utcnow


def grow(w, n: int) -> None:
    """n more members, each with a failed SMS, a sent in-app message and a pending
    e-mail; n more communities with a failed robot digest and a robot of their own."""
    now = utcnow()
    for i in range(n):
        member, community = f.member(w.unit), f.community()
        rows = [(Channel.sms, OutboxStatus.failed, member.id, None),
                (Channel.inapp, OutboxStatus.sent, member.id, None),
                (Channel.email, OutboxStatus.pending, member.id, None),
                (Channel.wecom, OutboxStatus.failed, None, community.id)]
        for channel, status, member_id, community_id in rows:
            failed = status == OutboxStatus.failed
            db.session.add(Outbox(
                dedupe_key=f"budget:{member.id}:{channel.value}", kind="returned",
                channel=channel, member_id=member_id, community_id=community_id,
                subject="报告被退回", body="请修改后重新提交", status=status,
                failed_at=now if failed else None, last_error="超时" if failed else None,
                sent_at=now if status == OutboxStatus.sent else None))
        db.session.add(CommunityWebhook(community_id=community.id, channel=Channel.wecom,
                                        url_encrypted="x", url_hint="https://…",
                                        updated_by_id=w.admin.id))
    db.session.commit()


def test_the_status_page_runs_4_statements_whatever_the_data(
        app, client, login, count_queries, world):
    """Session, the channels' figures with their last errors and the robots on each,
    the failed messages with their total, the menu."""
    app.config["PAGE_SIZE"] = 3  # more than a page of failed messages once grown
    pages = ["/outbox/", "/outbox/?page=2"]
    grow(world, 3)
    small = [page_statements(client, login, count_queries, world.admin, url)[0]
             for url in pages]
    grow(world, 6)
    assert [page_statements(client, login, count_queries, world.admin, url)[0]
            for url in pages] == small == [4, 4]


def test_the_page_still_says_how_many_failed(app, client, login, world):
    app.config["PAGE_SIZE"] = 3
    grow(world, 3)
    login(world.admin)
    page = client.get("/outbox/").get_data(as_text=True)
    assert "发送失败的提醒（6）" in page


def test_the_page_still_says_each_channels_figures(app, client, login, world):
    """The one statement shapes what the three did: each channel's last error in its own
    words, its failed count, and how many communities have a robot on."""
    grow(world, 3)
    login(world.admin)
    page = client.get("/outbox/").get_data(as_text=True)
    assert page.count("超时") >= 2, page  # SMS's and 企业微信's last error
    assert "3个社区已设置" in page, page
