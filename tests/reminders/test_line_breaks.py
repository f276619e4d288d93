"""One message's fault stops no other (review37 F1): a task title with a line break —
stored before titles were kept to one line, as old data may be — made the e-mail's
Subject refused by the mail library, and that ValueError ended ``flask send-reminders``
with the row left ``sending``, every later member's SMS unsent, at every run."""
from __future__ import annotations

import pytest
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.models import Channel, OutboxStatus
from tracker.reminders import channels
from tracker.reminders.job import run
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)  # today 10:00 in Shanghai: outside quiet hours


def _pushed():
    """The rows pushed to a channel (not the in-app copies)."""
    return [row for row in rows() if row.channel != Channel.inapp]


def test_a_title_with_a_line_break_stops_no_reminder(town, smtp, recorder):
    # ann: e-mail; bob: SMS, for this task and for another
    town.task(local(-2, 9), people=(town.ann, town.bob), title="楼道清理\n第二行")
    town.task(local(-2, 9), people=(town.bob,), title="正常任务")
    report = run(MORNING)
    assert report.failed == 0
    assert {row.status for row in _pushed()} == {OutboxStatus.sent}
    [mail] = smtp.mails
    assert mail.subject == "请确认服务时长：楼道清理 第二行"  # on one line
    assert [sms.query["to"] for sms in recorder.to("/sms")] == [[town.bob.phone]]


def test_an_unexpected_error_of_one_send_fails_only_its_row(town, smtp, recorder,
                                                              monkeypatch, caplog):
    def broken(self, to_address, message):
        raise KeyError("a fault of the code, not a channel's answer")

    monkeypatch.setattr(channels.EmailSender, "send", broken)
    town.task(local(-2, 9), people=(town.ann, town.bob), title="楼道清理")
    report = run(MORNING)  # does not raise
    assert report.failed == 1 and report.sent == 1
    [mail_row] = [row for row in _pushed() if row.channel == Channel.email]
    # failed as a channel's error is: counted, kept with the error's type, tried again
    assert mail_row.status == OutboxStatus.pending and mail_row.attempts == 1
    assert mail_row.last_error == "unexpected error: KeyError"
    assert mail_row.next_attempt_at is not None
    [sms_row] = [row for row in _pushed() if row.channel == Channel.sms]
    assert sms_row.status == OutboxStatus.sent  # the other member's SMS went out
    assert len(recorder.to("/sms")) == 1 and not smtp.mails
    # logged, with the error's type, for whoever maintains the code
    [logged] = [r for r in caplog.records if r.name == "tracker.reminders.job"]
    assert "unexpected KeyError" in logged.getMessage() and logged.exc_info
