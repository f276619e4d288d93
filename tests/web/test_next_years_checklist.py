"""December: next year's 资源清单 before January needs it. From 1 December (Beijing date)
an admin is reminded, on the 工作台 and the 资源清单 list, of the communities whose unit
has this year's items and none of next year's, with the way to 「从上一年度复制」; from 1
January, still missing, it is a warning that says how many activities already sit on
another year's item. A liaison whose series runs into that year is told, in one quiet
line, that the checklist is the admin's to make (tracker/year_checklist.py)."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest

from tests import factories as f
from tests.clock import set_app_clock
from tracker import timeutil
from tracker.extensions import db
from tracker.models import TaskStatus

TODAY = timeutil.local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
# Years well after the world's own items (of the year the tests run in), so that only
# this module's items are "this year's" on the days it sets.
THIS = TODAY.year + 3
NEXT = THIS + 1


@pytest.fixture
def beijing_day(monkeypatch):
    """beijing_day(day): it is 09:00 of ``day`` in Beijing for the whole application —
    the 工作台's own name for ``utcnow`` and every other module's
    (``tests.clock.set_app_clock``) — moving them from ``today_held``'s day."""

    def set_day(day: date) -> None:
        set_app_clock(monkeypatch, day, at=time(9))

    return set_day


@pytest.fixture
def this_years(world):
    """This year's checklist of the world's unit in both its communities; next year's
    in neither."""
    items = (f.item(world.unit, world.community, "environment_cleanup", year=THIS),
             f.item(world.unit, world.other_community, "ad_removal", year=THIS))
    db.session.commit()
    return items


def _page(client, login, member, day, beijing_day, url="/manage/") -> str:
    beijing_day(day)
    login(member)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _notice(page: str) -> str | None:
    found = re.search(r'<p class="[a-z]+" id="checklist-due">(.*?)</p>', page, re.S)
    return " ".join(found.group(1).split()) if found else None


def _starting(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), timeutil.LOCAL_TZ).astimezone(timezone.utc)


@pytest.mark.parametrize("url", ["/manage/", "/admin/items"])
def test_nothing_before_december_a_reminder_from_1_december(client, login, world, this_years,
                                                           beijing_day, url):
    assert _notice(_page(client, login, world.admin, date(THIS, 11, 30), beijing_day, url)) is None

    notice = _notice(_page(client, login, world.admin, date(THIS, 12, 1), beijing_day, url))
    # two communities have this year's items and none of next year's
    assert f"{NEXT}年资源清单尚未建立（2个社区）。" in notice
    assert "已开始" not in notice
    assert f'href="/admin/items?year={NEXT}#copy-items">从{THIS}年度复制</a>' in notice


def test_one_community_missing_links_to_the_copy_form_for_it(client, login, world, this_years,
                                                            beijing_day):
    f.item(world.unit, world.community, "environment_cleanup", year=NEXT)
    db.session.commit()
    notice = _notice(_page(client, login, world.admin, date(THIS, 12, 1), beijing_day))
    assert f"{NEXT}年资源清单尚未建立（1个社区）。" in notice
    link = f"/admin/items?year={NEXT}&community={world.other_community.id}#copy-items"
    assert f'href="{link.replace("&", "&amp;")}"' in notice or f'href="{link}"' in notice

    # the link opens the copy form with that year and that community chosen
    form = _page(client, login, world.admin, date(THIS, 12, 1), beijing_day, link)
    assert re.search(r'<details class="card" id="copy-items" open>', form)
    assert re.search(rf'name="copy-year"[^>]*value="{NEXT}"', form)
    assert re.search(rf'<option[^>]*selected[^>]*value="{world.other_community.id}"|'
                     rf'<option[^>]*value="{world.other_community.id}"[^>]*selected', form)


@pytest.mark.parametrize("day, year", [(date(THIS, 11, 30), THIS), (date(THIS, 12, 1), NEXT),
                                       (date(THIS, 12, 31), NEXT), (date(NEXT, 1, 1), NEXT)])
def test_the_copy_form_opened_alone_offers_the_year_the_notice_asks_about(
        client, login, world, this_years, beijing_day, day, year):
    """资源清单 opened with no year chosen: its 「从上一年度复制」 offers the year the page's
    own notice asks about — from 1 December the next one (walk48 #1: it offered this
    year, whose lines are all there, and 复制 answered that nothing needed copying)."""
    form = _page(client, login, world.admin, day, beijing_day, "/admin/items")
    assert re.search(rf'name="copy-year"[^>]*value="{year}"', form)


def test_from_1_january_a_warning_counting_the_activities_on_last_years_items(
        client, login, world, this_years, beijing_day):
    cleanup, ads = this_years
    # a weekly series planned in December runs into January on this year's items: two
    # activities in January, one of them cancelled, and one in December
    f.task(cleanup, world.liaison, starts_at=_starting(date(NEXT, 1, 5)))
    f.task(ads, world.other_liaison, starts_at=_starting(date(NEXT, 1, 12)))
    f.task(ads, world.other_liaison, starts_at=_starting(date(NEXT, 1, 19)),
           status=TaskStatus.cancelled)
    f.task(ads, world.other_liaison, starts_at=_starting(date(THIS, 12, 29)))
    db.session.commit()

    notice = _notice(_page(client, login, world.admin, date(THIS, 12, 1), beijing_day))
    assert f"{NEXT}年资源清单尚未建立（2个社区）。" in notice
    assert f"已有2个{NEXT}年的活动暂记在其他年度的项目下。" in notice

    notice = _notice(_page(client, login, world.admin, date(NEXT, 1, 1), beijing_day))
    assert notice.startswith(f"{NEXT}年已开始，但{NEXT}年资源清单尚未建立（2个社区）")
    assert f"已有2个{NEXT}年的活动暂记在其他年度的项目下。" in notice
    assert f'href="/admin/items?year={NEXT}#copy-items"' in notice


def test_after_copying_nothing_is_said(client, login, world, this_years, beijing_day):
    f.task(this_years[0], world.liaison, starts_at=_starting(date(NEXT, 1, 5)))
    db.session.commit()
    beijing_day(date(THIS, 12, 1))
    login(world.admin)
    copied = client.post("/admin/items/copy", data={"copy-year": str(NEXT)},
                         follow_redirects=True)
    assert f"已从{THIS}年度复制2条资源清单项目到{NEXT}年度" in html.unescape(
        copied.get_data(as_text=True))

    for day in (date(THIS, 12, 1), date(NEXT, 1, 1)):
        for url in ("/manage/", "/admin/items"):
            assert _notice(_page(client, login, world.admin, day, beijing_day, url)) is None
        assert _notice(_page(client, login, world.liaison, day, beijing_day)) is None


def test_an_item_of_next_year_switched_off_is_the_admins_choice(client, login, world,
                                                                this_years, beijing_day):
    for community in (world.community, world.other_community):
        f.item(world.unit, community, "elderly_visit", year=NEXT).active = False
    db.session.commit()
    assert _notice(_page(client, login, world.admin, date(THIS, 12, 1), beijing_day)) is None


def test_a_liaison_is_told_only_of_their_own_series_running_into_next_year(
        client, login, world, this_years, beijing_day):
    cleanup, ads = this_years
    # nothing of theirs in next year: the missing checklist is not the liaison's to hear
    assert _notice(_page(client, login, world.liaison, date(THIS, 12, 1), beijing_day)) is None

    f.task(ads, world.other_liaison, starts_at=_starting(date(NEXT, 1, 12)))  # not theirs
    db.session.commit()
    assert _notice(_page(client, login, world.liaison, date(THIS, 12, 1), beijing_day)) is None

    for week in range(4):  # their weekly series, 22 December to 12 January
        f.task(cleanup, world.liaison, starts_at=_starting(date(THIS, 12, 22) + timedelta(weeks=week)))
    db.session.commit()
    page = _page(client, login, world.liaison, date(THIS, 12, 1), beijing_day)
    assert _notice(page) == (
        f"您管理的社区有2个任务在{NEXT}年，{NEXT}年资源清单中还没有它们的项目，暂记在其他年度的项目下；"
        "资源清单由单位管理员建立，建立后自动改记，无需您操作。")
    assert '<p class="muted" id="checklist-due">' in page
    assert "从上一年度复制" not in page and "#copy-items" not in page


def test_a_line_missing_where_the_pair_has_next_years_items_is_named_by_its_activities(
        client, login, world, this_years, beijing_day):
    cleanup, _ads = this_years
    # both communities have next year's checklist, but not the clean-up line a
    # January activity was planned on
    f.item(world.unit, world.community, "elderly_visit", year=NEXT)
    f.item(world.unit, world.other_community, "ad_removal", year=NEXT)
    f.task(cleanup, world.liaison, starts_at=_starting(date(NEXT, 1, 5)))
    db.session.commit()
    notice = _notice(_page(client, login, world.admin, date(NEXT, 1, 1), beijing_day))
    assert notice == (f"{NEXT}年资源清单中还缺少部分项目。 已有1个{NEXT}年的活动暂记在其他年度的项目下。 "
                      f'<a href="/admin/items?year={NEXT}">查看{NEXT}年资源清单</a>')
