"""A signed month's figures are changed by an admin only, whichever unit's month it is
(docs/design.md): a need counts its 完成 for the unit it was claimed for, or its
claimer's unit of the day (``rollups.needs.need_unit``), not the activity's — so a
liaison's 作废 of the activity whose approval fulfilled it is refused when that unit's
month is signed, naming the unit and the month (review40 #1)."""
from datetime import date

import pytest

from tests import factories as f
from tests.needs.support import need
from tests.plans import need_counts
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import NeedStatus, SummaryScope
from tracker.reports import final
from tracker.rollups import Scope
from tracker.services import ServiceError
from tracker.services.voiding import void_activity, void_refusal

NOVEMBER = (date(2025, 11, 1), date(2025, 12, 1))
TODAY = date(2026, 12, 5)


@pytest.fixture
def claimed_elsewhere(world):
    """县财政局's member 何静 claimed a 微心愿 of the community, turned into a task of the
    world unit and fulfilled by its approval on 2025-11-20; 县财政局 signed November."""
    finance = f.unit("县财政局")
    claimer = f.member(finance, name="何静")  # never of the activity's unit
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    b.report(task, world.liaison)  # approved
    wish = need(world.community, world.liaison, claimer=claimer, status=NeedStatus.fulfilled,
                title="给独居老人送年货", posted_on=date(2025, 11, 3),
                wanted_by=date(2025, 11, 30))
    wish.task_id, wish.fulfilled_on = task.id, date(2025, 11, 20)
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=finance.id), 2025, 11)
    db.session.commit()
    return finance, task


def _done(finance):
    return need_counts(Scope(*NOVEMBER, unit_id=finance.id), TODAY).fulfilled


def test_a_liaison_may_not_void_an_activity_whose_need_counts_in_another_units_signed_month(
        world, claimed_elsewhere):
    finance, task = claimed_elsewhere
    assert _done(finance) == 1  # 县财政局's signed November counts 何静's 微心愿 done

    refusal = void_refusal(task, world.liaison, lock=False)
    assert refusal is not None, "the page offers a liaison 作废"
    assert str(refusal) == ("需求“给独居老人送年货”计入的单位（县财政局）2025年11月的月报已定稿，"
                            "作废这次活动须由单位管理员操作（或由单位管理员先重新打开该月的月报）。")
    with pytest.raises(ServiceError) as refused:
        void_activity(task, world.liaison, "录入错误")
    db.session.rollback()
    assert str(refused.value) == str(refusal)
    assert _done(finance) == 1, "a liaison changed 县财政局's signed November"


def test_an_admin_may_void_it_and_the_claimers_month_then_counts_it_undone(
        world, claimed_elsewhere):
    finance, task = claimed_elsewhere
    assert void_refusal(task, world.admin, lock=False) is None
    void_activity(task, world.admin, "录入错误")
    db.session.commit()
    assert _done(finance) == 0
