"""What a channel's refusal leaves behind holds no phone number and no e-mail address:
neither the outbox's ``last_error`` (shown on 提醒发送状态) nor what ``flask
send-reminders`` prints to the journal, which no logging filter reads. A gateway's
refusal is quoted as its code and message, not its whole answer (privacy review,
session 27, #5). Against a real local SMS gateway and a real SMTP server."""
from __future__ import annotations

import json

import pytest
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.servers import SmtpServer
from tests.reminders.test_channel_answers import Gateway
from tracker.models import Channel, OutboxStatus
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)


def tencent_refusal(phone: str) -> bytes:
    """腾讯云's answer when a number has had its SMS for the day: HTTP 200, and the number
    echoed with its country code."""
    return json.dumps({"Response": {"SendStatusSet": [{
        "SerialNo": "", "PhoneNumber": f"+86{phone}", "Fee": 0, "SessionContext": "",
        "Code": "LimitExceeded.PhoneNumberDailyLimit",
        "Message": "the number of SMS messages sent from a single mobile number every "
                   "day exceeds the upper limit", "IsoCode": "CN"}],
        "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}).encode()


def _refused_reminders_trace(app, town, runner, server, config: dict, person,
                            channel: Channel) -> tuple[str, str]:
    """``flask send-reminders`` on the morning after a task two days ago of ``person``,
    through ``server`` (which refuses; stopped afterwards) set up by ``config``: the
    command ends well and the one reminder of ``channel`` stays pending (not sent: tried
    again later). What it leaves behind: the outbox row's ``last_error`` and the
    command's output."""
    try:
        app.config.update(**config)
        town.task(local(-2, 9), people=(person,), title="楼道清理")
        result = runner.invoke(args=["send-reminders", "--now", MORNING.isoformat()])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    [row] = rows(channel=channel)
    assert row.status == OutboxStatus.pending
    return row.last_error, result.output


def test_an_sms_refusal_is_kept_and_printed_without_the_members_phone(app, town, runner):
    gateway = Gateway(tencent_refusal(town.bob.phone))
    config = {"SMS_GATEWAY_URL": gateway.url,
              "SMS_SUCCESS_FIELD": "Response.SendStatusSet.0.Code", "SMS_SUCCESS_VALUE": "Ok"}
    phone = town.bob.phone
    for said in _refused_reminders_trace(app, town, runner, gateway, config, town.bob,
                                         Channel.sms):
        assert phone not in said and phone[-8:] not in said.replace("****", ""), said
        # what whoever fixes it needs: which field, the gateway's code and its words
        assert "Response.SendStatusSet.0.Code=LimitExceeded.PhoneNumberDailyLimit" in said
        assert "exceeds the upper limit" in said
        assert "RequestId" not in said and "SerialNo" not in said  # not the raw answer


def test_an_smtp_refusal_is_kept_and_printed_without_the_address(app, town, runner):
    class Refusing(SmtpServer):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"

    server = Refusing().start()
    for said in _refused_reminders_trace(app, town, runner, server, {"SMTP_PORT": server.port},
                                         town.ann, Channel.email):
        assert "ann@example.org" not in said, said
        assert "550" in said and "Recipient address rejected" in said
        assert "a***@example.org" in said  # masked as the logs mask it
