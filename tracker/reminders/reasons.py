"""Why the job did not send a row, as the code it stores in ``Outbox.reason`` and the
words 提醒状态 shows in the reader's language. A channel's own error (an SMTP reply,
an HTTP status) is kept as it came, in ``Outbox.last_error``."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..models import OutboxStatus

# skipped: the recipient's choice (or their account) — nothing to fix, nothing to retry
OPTED_OUT = "opted_out"
EMAIL_OFF = "email_off"
SMS_OFF = "sms_off"
EMAIL_INSTEAD = "email_instead"
INACTIVE = "inactive"
ROBOT_OFF = "robot_off"
WORK_GROUP_GOT = "work_group_got"  # a liaison's SMS copy of a digest their work group got
# obsolete: no longer true when it could leave
NOT_DUE = "not_due"
SUPERSEDED = "superseded"
# a 任务时间地点有变 given way to a newer one of the same task, member and channel
# (``moves.supersede_waiting``): it stated a time or place that no longer holds
CHANGED_AGAIN = "changed_again"
KIND_OFF = "kind_off"
# failed: the installation's to fix
ROBOT_UNREADABLE = "robot_unreadable"
NOT_CONFIGURED = "not_configured"
# failed, retried: the message was not handed over within REMINDER_HTTP_TIMEOUT (no
# connection, no TLS, or the SMTP exchange before DATA's end stalled): nobody has it
TIMED_OUT = "timed_out"
# failed, not retried by the job: handed over in full (the HTTP request written, the
# mail's final dot sent) and no answer came — the other side may have it, and a retry on
# a timer is a repeat in the member's phone. An admin's 重试 sends it again.
UNCONFIRMED = "unconfirmed"
# failed, not retried by the job: a timeout recorded before the job told "handed over"
# from "never connected" (migration 0057). Then a read timeout after the whole request
# was written was ``timed_out`` as much as a connect timeout was, so nobody knows
# whether the other side has it: as UNCONFIRMED, a person decides, but the words do not
# claim it was handed over.
TIMED_OUT_OLD = "timed_out_old"
NOT_RETRIED = (UNCONFIRMED, TIMED_OUT_OLD)
# A row set aside after a failed try: its ``reason`` says why it was set aside (one of the
# codes above), no longer why the try failed; the try's time and the channel's own error
# are still on the row (``failed_at``, ``last_error``).
SET_ASIDE = (OutboxStatus.skipped, OutboxStatus.obsolete)

WORDS = {
    OPTED_OUT: _l("收件人已关闭这类提醒"),
    EMAIL_OFF: _l("收件人已关闭邮件提醒"),
    SMS_OFF: _l("收件人已关闭短信提醒"),
    EMAIL_INSTEAD: _l("收件人用邮件接收提醒，未选“有邮件时也发短信”"),
    INACTIVE: _l("收件人账号已停用"),
    ROBOT_OFF: _l("该社区已不再使用这个工作群机器人"),
    WORK_GROUP_GOT: _l("已发到社区工作群，不再重复发短信"),
    NOT_DUE: _l("发送时已不需要提醒（情况已变化）"),
    SUPERSEDED: _l("已被更新的一期汇总取代"),
    CHANGED_AGAIN: _l("该任务的时间地点又有变更，只发最新的一条"),
    KIND_OFF: _l("本系统已停用这类提醒"),
    ROBOT_UNREADABLE: _l("工作群机器人地址是用另一个SECRET_KEY保存的，请重新填写"),
    NOT_CONFIGURED: _l("该渠道尚未配置"),
    UNCONFIRMED: _l("已提交，未收到确认，未自动重发：消息已完整交给对方服务器，但它没有在规定时间内答复，"
                    "可能已经送达。请先向收件人核实，确实没有收到再点“重试”。"),
    TIMED_OUT_OLD: _l("超时，未自动重发：这次发送记录于系统升级前，当时的记录分不清消息是否已交给对方服务器，"
                      "可能已经送达。请先向收件人核实，确实没有收到再点“重试”。"),
}

# A timeout's words say what happens next, and only a row the job still holds (pending,
# or claimed by a run) is tried again: a failed one used up REMINDER_MAX_ATTEMPTS and
# waits for an admin's 重试; a robot's 发送测试消息 is sent once, whatever the answer.
RETRIED = (OutboxStatus.pending, OutboxStatus.sending)
TIMED_OUT_WORDS = {
    "retried": _l("超时：未能在规定时间内连上对方服务器或把消息交给它（对方未收到，将自动重试）"),
    "given_up": _l("超时：未能在规定时间内连上对方服务器或把消息交给它，对方未收到。"
                   "自动重试的次数已用完，不会再自动发送：渠道恢复后，由管理员在“提醒发送状态”中点“重试”。"),
    "once": _l("超时：未能在规定时间内连上对方服务器或把消息交给它，对方未收到。"),
}
# A set-aside row whose failed try left no words of the channel (the job's own reason,
# such as 该渠道尚未配置, was overwritten by the set-aside's)
UNRECORDED = _l("发送失败（原因未记下）")


def words(reason: str | None, last_error: str | None = None,
          status: OutboxStatus | None = None) -> str | None:
    """What 提醒状态 shows for a row: the job's reason in the reader's language, else the
    channel's own error. ``status``: the row's, which decides whether a timeout is said
    to be retried; None for a message that is not a row (a robot test, sent once)."""
    if reason == TIMED_OUT:
        then = "retried" if status in RETRIED else "given_up" if status is not None else "once"
        return str(TIMED_OUT_WORDS[then])
    if reason is not None:
        return str(WORDS.get(reason, reason))
    return last_error


def failure_words(reason: str | None, last_error: str | None,
                  status: OutboxStatus | None) -> str | None:
    """What a row's last failed try is shown as (a channel's 最近出错, a robot's latest
    try). A row set aside since (the member then chose e-mail, was 停用, the reminder
    no longer due) keeps that try's error: the set-aside's reason is not an error, and
    showing it hid the real failure (walk7 D1)."""
    if status in SET_ASIDE:
        return last_error or str(UNRECORDED)
    return words(reason, last_error, status)
