"""来源: where a record of work comes from, decided in one place.

Every listing of participations or activities (the ledger, a member's 服务记录, their
exports, task pages) shows it: 补录 when the task was recorded after the fact
(``Task.backfilled``, set by ``services/backfill.py``), else 现场签到 when the
member (for an activity: any participant whose participation counts, i.e. done)
checked in on site, else 组长提交 — recorded through the leader's report. An
activity whose check-ins all went uncounted (never confirmed before 通过, or marked
缺席) is not 现场签到: its row would name a source for people it does not list.

A member's 服务记录 also says, per row, who stated its hours (时长来源,
``Assignment.hours_origin``): 来源 alone said 现场签到 both for hours she confirmed after
checking in and for hours 通过 counted by her check-in, which she never confirmed.
"""
from __future__ import annotations

from flask_babel import gettext as _

from .i18n import lazy_gettext as _l
from .models import HoursOrigin

SOURCE_CHECKIN = "checkin"
SOURCE_REPORT = "report"
SOURCE_BACKFILL = "backfill"

SOURCE_LABELS = {
    SOURCE_CHECKIN: _l("现场签到"),
    SOURCE_REPORT: _l("组长提交"),
    SOURCE_BACKFILL: _l("补录"),
}


def source_of(backfilled: bool, checked_in: bool) -> str:
    """The one rule deciding a record's 来源."""
    if backfilled:
        return SOURCE_BACKFILL
    return SOURCE_CHECKIN if checked_in else SOURCE_REPORT


def source_label(backfilled: bool, checked_in: bool) -> str:
    return str(SOURCE_LABELS[source_of(backfilled, checked_in)])


# 时长来源: who stated a row's hours, in words a member reads (docs/design.md: 确认参与,
# 通过's 按签到计入, 补录 / 添加遗漏的参加人员 / 采纳, 改正服务时长)
HOURS_ORIGIN_LABELS = {
    HoursOrigin.confirmed: _l("本人确认"),
    HoursOrigin.checkin: _l("按签到计入"),
    HoursOrigin.recorded: _l("联络员补录"),
    HoursOrigin.corrected: _l("联络员改正"),
}
# a row from before the origin was kept that the audit trail could not tell (0069)
HOURS_ORIGIN_UNKNOWN = _l("不详")
# what each of those words means, for the note under a 服务记录's rows; the note names
# the words by the labels above, so a label reworded there is reworded in the note
HOURS_ORIGIN_MEANINGS = {
    HoursOrigin.confirmed: _l("本人确认参与时填写"),
    HoursOrigin.checkin: _l("审核通过时按签到计入活动时长"),
    HoursOrigin.recorded: _l("联络员补录、添加参加人员或采纳补录申请时填写"),
    HoursOrigin.corrected: _l("联络员改正后的时长"),
    None: _l("系统开始记录时长来源之前的数据，已无法判断"),
}


def hours_origin_label(origin: HoursOrigin | None) -> str:
    return str(HOURS_ORIGIN_LABELS.get(origin, HOURS_ORIGIN_UNKNOWN))


def hours_origin_note() -> str:
    """The note under a 服务记录 (in the language of the page rendering it): each word
    of 时长来源, as the rows print it, and what it means."""
    return _("只记录完成情况已审核通过的活动。“时长来源”说明每行的服务时长从何而来：%(words)s。",
             words=_("；").join(
                 _("%(label)s——%(meaning)s", label=hours_origin_label(origin),
                   meaning=meaning)
                 for origin, meaning in HOURS_ORIGIN_MEANINGS.items()))
