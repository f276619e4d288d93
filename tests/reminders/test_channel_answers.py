"""What a channel answers, and what a message says: an SMS gateway that answers HTTP 200
with an error in its JSON has not sent (SMS_SUCCESS_FIELD / SMS_SUCCESS_VALUE); an e-mail
always has a From address; the texts say the real number of days, end a reason with one
full stop, and an SMS does not say the task's title twice. Real servers on loopback."""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.servers import SmtpServer
from tracker.config import ConfigError, load_config
from tracker.extensions import db
from tracker.models import Channel, OutboxStatus, ReportStatus, TaskReport
from tracker.reminders import channels
from tracker.reminders.job import run
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)


# --- an SMS gateway's answer -----------------------------------------------------------------

def test_a_gateway_answering_200_with_an_error_code_has_not_sent(app, town, recorder):
    app.config.update(SMS_SUCCESS_FIELD="errcode", SMS_SUCCESS_VALUE="0")
    town.task(local(-2, 9), people=(town.bob,), title="楼道清理")
    recorder.fail["/sms"] = "robot"  # 200 {"errcode": 310000, "errmsg": …}
    report = run(MORNING)
    [row] = rows(channel=Channel.sms)
    assert report.failed == 1 and row.status == OutboxStatus.pending
    assert "errcode=310000" in row.last_error
    del recorder.fail["/sms"]  # the account topped up: the retry goes out
    run(MORNING + timedelta(minutes=10))
    [row] = rows(channel=Channel.sms)
    assert row.status == OutboxStatus.sent


def test_without_the_setting_any_200_answer_counts_as_sent(town, recorder):
    town.task(local(-2, 9), people=(town.bob,), title="楼道清理")
    recorder.fail["/sms"] = "robot"
    run(MORNING)
    [row] = rows(channel=Channel.sms)
    assert row.status == OutboxStatus.sent


class Gateway:
    """A gateway answering every POST with one fixed body (as 腾讯云 does: 200 and a list)."""

    def __init__(self, answer: bytes):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("answer,sent", [
    ({"Response": {"SendStatusSet": [{"Code": "Ok"}]}}, True),
    ({"Response": {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}]}}, False),
    ({"Response": {"Error": {"Code": "AuthFailure"}}}, False),  # the field is missing
    ("not json", False),
])
def test_the_success_field_is_found_by_its_path(app, answer, sent):
    gateway = Gateway(json.dumps(answer).encode() if isinstance(answer, dict) else answer.encode())
    try:
        sender = channels.SmsSender({**app.config, "SMS_GATEWAY_URL": gateway.url,
                                     "SMS_SUCCESS_FIELD": "Response.SendStatusSet.0.Code",
                                     "SMS_SUCCESS_VALUE": "Ok"})
        message = channels.Message("明天的任务：清扫", "您认领的任务明天开始：清扫。")
        if sent:
            sender.send("13900000001", message)
        else:
            with pytest.raises(channels.ChannelError):
                sender.send("13900000001", message)
    finally:
        gateway.stop()


# --- e-mail's From ---------------------------------------------------------------------------

class FromRecorder(SmtpServer):
    def __init__(self):
        super().__init__()
        self.senders: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.senders.append(str(message["From"]))
        return await super().handle_DATA(server, session, envelope)


def test_without_smtp_from_mail_comes_from_noreply_at_the_public_host(app, town):
    server = FromRecorder().start()
    try:
        app.config.update(SMTP_PORT=server.port, SMTP_FROM=None, SMTP_USER=None,
                          PUBLIC_URL="https://gj.example.gov.cn")
        town.task(local(-2, 9), people=(town.ann,), title="楼道清理")
        run(MORNING)
        # the address, under the installation's name (SMTP_FROM_NAME's default)
        assert server.senders == ["社区共建任务台账 <noreply@gj.example.gov.cn>"]
    finally:
        server.stop()


def test_no_from_address_at_all_is_a_configuration_error(monkeypatch):
    for name in ("SMTP_FROM", "SMTP_USER", "PUBLIC_URL", "REMINDER_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMTP_HOST", "relay.county.example")
    with pytest.raises(ConfigError, match="SMTP_FROM"):
        load_config({"TESTING": True})
    monkeypatch.setenv("PUBLIC_URL", "https://gj.example.gov.cn")
    assert load_config({"TESTING": True})["SMTP_FROM"] is None  # the sender derives it
    assert channels.EmailSender(load_config({"TESTING": True})).sender == \
        "noreply@gj.example.gov.cn"


# --- the words -------------------------------------------------------------------------------

def test_a_late_reminder_says_how_long_ago_the_task_really_ended(app, town):
    app.config["REMINDER_REPORT_DAYS"] = 2
    town.task(local(-6, 9), leader=town.lee, title="六天前的")  # first run six days after
    run(MORNING)
    [leader] = rows(kind="submit_report", channel=Channel.inapp)
    [liaison] = rows(kind="report_overdue", channel=Channel.inapp)
    assert "活动已结束5天" in leader.body  # ended 11:00 six days ago: five whole days at 10:00
    assert liaison.subject == "已结束5天未提交：六天前的" and "已结束5天" in liaison.body


def test_a_return_reason_ends_with_one_full_stop(town):
    task = town.task(local(-1, 9), leader=town.lee, title="退回的")
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="x",
                              status=ReportStatus.returned,
                              return_reason="完成数量与现场照片不符，请核实后重新提交。",
                              submitted_by_id=town.lee.id,
                              submitted_at=MORNING - timedelta(hours=3),
                              reviewed_by_id=town.liaison.id,
                              reviewed_at=MORNING - timedelta(minutes=3)))
    db.session.commit()
    run(MORNING)
    [row] = rows(kind="returned", channel=Channel.inapp)
    assert "请核实后重新提交。请修改后重新提交。" in row.body and "。。" not in row.body


def test_an_sms_names_the_task_once(town, recorder):
    town.task(local(1, 9), people=(town.bob,), title="电子商务培训：农产品网店运营")
    run(local(0, 18, 5))
    [sms] = recorder.to("/sms")
    text = sms.json["content"]
    assert text.count("农产品网店运营") == 1 and text.startswith("您认领的任务明天开始")


def test_a_bundle_sms_keeps_its_heading(app, town, recorder):
    app.config["REMINDER_DAILY_CAP"] = 1
    for n in range(2):
        town.task(local(-2, 8 + n), people=(town.bob,), title=f"活动{n}")
    run(MORNING)
    [sms] = recorder.to("/sms")
    assert sms.json["content"].startswith("您有2条提醒：请确认服务时长2条")
