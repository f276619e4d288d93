"""One test per numbered finding of issue 9 ("Figures people can sign"), each stated
in the rule's own terms and seen where a user sees it: the pages and the 月报.

Each of these failed on the code before the change (checked once against it), so
they would catch the figure going wrong again.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from docx import Document

from tests import factories as f
from tests.rollups import builders as b
from tests.web.page_figures import figure, page
from tracker.extensions import db
from tracker.models import FindingKind, ReportStatus
from tracker.reference import ensure_categories
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MONTH = TODAY.replace(day=1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def approved(item, creator, day, *, people=(), minutes=60, quantity=0, served=0,
             status=ReportStatus.approved, leader=None):
    task = b.task_on(item, creator, day, leader=leader)
    for person in people:
        b.join(task, person, minutes=minutes)
    b.report(task, creator, status, quantity=quantity, people=served)
    return task


# 1. Findings are counted from approved survey reports only ---------------------------------

def test_1_findings_count_only_when_their_survey_is_approved(client, login, world):
    survey = f.item(world.unit, world.community, "facility_survey")
    states = {ReportStatus.approved: 2, ReportStatus.submitted: 3, ReportStatus.returned: 4}
    for status, n in states.items():
        task = approved(survey, world.liaison, MONTH, status=status, quantity=n)
        for _ in range(n):
            b.finding(task, world.liaison, FindingKind.sewer)
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert figure(html, "findings") == "2"  # the 3 pending are told apart, the 4 returned nowhere
    assert "下水道、人行道及破损道路摸排3处" in figure(html, "pending")
    double = page(client, f"/progress/double?community={world.community.id}")
    assert figure(double, "found") == "2"
    # The register lists all nine, with their survey's review state, and filters by it.
    register = page(client, "/progress/findings")
    assert figure(register, "findings_total") == "共 9 处"
    assert figure(page(client, "/progress/findings?review=approved"), "findings_total") == "共 2 处"
    assert figure(page(client, "/progress/findings?review=submitted"),
                  "findings_total") == "共 3 处"
    month = f"{MONTH:%Y-%m}"
    assert figure(page(client, f"/progress/findings?review=returned&month={month}"),
                  "findings_total") == "共 4 处"


# 2. The roll counts the volunteering members, not every account -----------------------------

def test_2_the_roll_is_the_members_counted_in_participation(client, login, world):
    """The world's unit has an admin and two liaisons besides three members."""
    login(world.liaison)
    html = page(client, "/progress/coverage")
    assert figure(html, "on_roll") == "3"
    listed = re.findall(r"<li>([^<]+)(?:<span|</li>)", html.split('class="people not-yet"')[1])
    assert sorted(listed) == sorted([world.member.name, world.other_member.name,
                                     world.leader.name])  # no admin, no liaison


# 3. Hours come from one place: the members' confirmed minutes -------------------------------

def test_3_hours_are_the_confirmed_minutes_never_a_typed_quantity(client, login, world):
    duty = f.item(world.unit, world.community, "epidemic_duty")
    approved(duty, world.liaison, MONTH, people=(world.member, world.leader, world.other_member),
             minutes=60, quantity=14, served=120)
    db.session.commit()
    login(world.admin)
    html = text_of(page(client, f"/reports/?unit={world.unit.id}&month={MONTH:%Y-%m}"))
    assert "疫情防控值守1次（3人次，3.0小时）" in html
    assert "14小时" not in html


# 4. Beneficiaries are never added across units -------------------------------------------

def test_4_beneficiaries_are_counted_per_unit(client, login, world):
    approved(f.item(world.unit, world.community, "ecommerce_training"), world.liaison, MONTH,
             quantity=30, served=30)
    approved(f.item(world.unit, world.community, "household_assistance"), world.liaison, MONTH,
             quantity=7, served=7)
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert figure(html, "people_served-人次") == "30"
    assert figure(html, "people_served-户") == "7"
    assert ">37<" not in html  # households and people are never one sum


# 5. A target names its own measure -------------------------------------------------------

def test_5_a_training_target_in_sessions_counts_sessions(client, login, world):
    cats = ensure_categories()
    db.session.commit()
    login(world.admin)
    response = client.post("/admin/items/new", data={
        "unit_id": world.unit.id, "community_id": world.community.id, "zone_id": "",
        "category_id": f"{cats['ecommerce_training'].id}:activities", "year": str(TODAY.year),
        "target": "6", "description": ""})
    assert response.status_code == 302
    from tracker.models import ResourceItem

    item = db.session.scalar(db.select(ResourceItem).where(
        ResourceItem.category_id == cats["ecommerce_training"].id))
    for day in (MONTH, MONTH + timedelta(days=1)):
        approved(item, world.liaison, min(day, TODAY), quantity=29, served=29)
    db.session.commit()
    html = text_of(page(client, f"/progress/community?community={world.community.id}"))
    assert "年度目标6场，已完成2场" in html and "完成33.3%" in html
    assert "58人次100%" not in html


# 6. One budget, entered once; one percentage format -------------------------------------------

def test_6_the_budget_is_the_funds_items_target_and_reads_the_same_everywhere(
        client, login, world):
    cats = ensure_categories()
    db.session.commit()
    login(world.admin)
    assert client.post("/admin/items/new", data={
        "unit_id": world.unit.id, "community_id": world.community.id, "zone_id": "",
        "category_id": f"{cats['cobuild_funding'].id}:money", "year": str(TODAY.year),
        "target": "10,000", "description": ""}).status_code == 302
    assert client.post(f"/funds/{world.unit.id}/{world.community.id}/{TODAY.year}/entries",
                       data={"entry_date": TODAY.isoformat(), "amount": "2,650",
                             "purpose": "培训资料"}).status_code == 302
    ledger = page(client, f"/funds/{world.unit.id}/{world.community.id}/{TODAY.year}")
    assert "10,000.00" in ledger and "/budget" not in ledger  # no second place to enter it
    html = page(client, f"/progress/community?community={world.community.id}")
    assert figure(html, "fund_used") == "26.5%"
    card = text_of(html.split('id="items-h"')[1].split("</section>")[0])
    assert "年度预算10,000.00元，已使用2,650.00元" in card and "完成26.5%" in card
    assert "26%" not in card.replace("26.5%", "")


# 7. Names in natural order ------------------------------------------------------------------

def test_7_zones_are_listed_in_natural_order(client, login, world):
    for name in ("三区", "十区", "一区", "二区"):
        zone = f.zone(world.community, name, world.unit)
        item = f.item(world.unit, world.community, "ad_removal", zone=zone, target=10)
        approved(item, world.liaison, MONTH, people=(world.member,), quantity=3)
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/double?community={world.community.id}")
    table = html.split('class="figures double-table')[1].split("<tfoot>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)', table)
    assert rows == ["一区", "二区", "三区", "十区"]
    chart = re.findall(r"<title>([^：<]+)：", html)
    assert chart[:4] == ["一区", "二区", "三区", "十区"]
    login(world.admin)
    admin = page(client, f"/admin/zones?community={world.community.id}")
    listed = [name for name in re.findall(r'<td data-label="责任区名称">([^<]+)</td>', admin)
              if name.endswith("区")
              and name != world.community.name]
    assert listed == ["一区", "二区", "三区", "十区"]
    # The checklist on 社区共建进展, and the 月报's tables, in the same order.
    login(world.liaison)
    zones = ("一区", "二区", "三区", "十区")

    def order(text: str) -> list[str]:
        seen = []
        for name in re.findall("|".join(zones), text):
            if name not in seen:
                seen.append(name)
        return seen

    assert order(page(client, f"/progress/community?community={world.community.id}")) == list(zones)
    month = MONTH.strftime("%Y-%m")
    docx = Document(io.BytesIO(client.get(
        f"/reports/monthly.docx?community={world.community.id}&month={month}").data))
    with_zones = [" ".join(cell.text for row in table.rows for cell in row.cells)
                  for table in docx.tables]
    # The ledger (附表1) is in date order; the tables by zone follow the zones' order.
    with_zones = [cells for cells in with_zones if "一区" in cells and "日期" not in cells]
    assert with_zones
    for cells in with_zones:
        assert order(cells) == list(zones), cells[:300]


# 8. Pending shown the same way everywhere ----------------------------------------------------

def test_8_pending_is_told_the_same_on_the_view_and_in_the_summary(client, login, world):
    ads = f.item(world.unit, world.community, "ad_removal")
    approved(ads, world.liaison, MONTH, people=(world.member,), quantity=10)
    approved(ads, world.liaison, MONTH, people=(world.leader, world.other_member), minutes=90,
             quantity=20, status=ReportStatus.submitted)
    db.session.commit()
    sentence = ("另有1份完成情况待审核（参与2人次，服务时长3.0小时，牛皮癣清除20处），"
                "未计入以上数据。")
    login(world.liaison)
    view = page(client, f"/progress/community?community={world.community.id}")
    assert figure(view, "pending") == sentence
    double = page(client, f"/progress/double?community={world.community.id}")
    assert figure(double, "pending") == sentence
    login(world.admin)
    summary = page(client, f"/reports/?community={world.community.id}&month={MONTH:%Y-%m}")
    assert sentence in text_of(summary)


def test_8_pending_beneficiaries_name_their_category_everywhere(client, login, world):
    """Two 受益 figures of different kinds (trainees in 人次, old people visited in 人)
    each say whose they are, on the view, the 月报 page and its .docx alike."""
    training = f.item(world.unit, world.community, "ecommerce_training")
    visits = f.item(world.unit, world.community, "elderly_visit")
    approved(training, world.liaison, MONTH, people=(world.member,), served=31,
             status=ReportStatus.submitted)
    approved(visits, world.liaison, MONTH, people=(world.leader,), served=3, quantity=3,
             status=ReportStatus.submitted)
    db.session.commit()
    sentence = ("另有2份完成情况待审核（参与2人次，服务时长2.0小时，电子商务培训受益31人次，"
                "慰问“空巢”老人受益3人），未计入以上数据。")
    login(world.liaison)
    view = page(client, f"/progress/community?community={world.community.id}")
    assert figure(view, "pending") == sentence
    login(world.admin)
    month = f"{MONTH:%Y-%m}"
    summary = page(client, f"/reports/?community={world.community.id}&month={month}")
    assert sentence in text_of(summary)
    docx = Document(io.BytesIO(client.get(
        f"/reports/monthly.docx?community={world.community.id}&month={month}").data))
    assert sentence in [p.text for p in docx.paragraphs]


# 9. A liaison of two communities sees both, and their 月报 -----------------------------------

def test_9_a_liaison_of_two_communities_sees_them_together_and_their_summaries(
        client, login, world):
    world.liaison.communities = [world.community, world.other_community]
    for item in (world.item, world.other_item):
        approved(item, world.liaison, MONTH, people=(world.member,))
    db.session.commit()
    login(world.liaison)
    html = page(client, "/progress/community")
    assert "全部社区" in html.split("<h1>")[1].split("</h1>")[0]
    assert figure(html, "activities") == "2次"
    last = f"{MONTH:%Y-%m}"
    for community in (world.community, world.other_community):
        summary = page(client, f"/reports/?community={community.id}&month={last}")
        assert f"{community.name}{MONTH.year}年{MONTH.month}月社区共建工作情况" in summary
        for fmt in ("docx", "xlsx", "csv"):
            response = client.get(f"/reports/monthly.{fmt}?community={community.id}&month={last}")
            assert response.status_code == 200, fmt


# 10. A photo's link opens the full image ------------------------------------------------------

def test_10_the_link_under_a_thumbnail_opens_the_full_photo(client, login, world):
    from tests.onsite import samples
    from tracker.services.photos import add_task_photo

    photo = add_task_photo(world.past_task, world.leader, samples.small_png())
    db.session.commit()
    login(world.leader)
    listing = page(client, f"/onsite/tasks/{world.past_task.id}/photos")
    link = re.search(rf'<a href="([^"]+)"><img src="/onsite/photos/{photo.id}/thumb"', listing)
    assert link and link.group(1) == f"/onsite/photos/{photo.id}"
    assert client.get(link.group(1)).status_code == 200


def test_the_demo_month_reads_the_same_everywhere(seeded_demo):
    """The demo world's month: every figure appearing in more than one place agrees."""
    from tracker.models import Unit
    from tracker.reports.summary import build_summary
    from tracker.rollups import Scope
    from tests.plans import figures_by_category
    from tests.plans import findings_counts

    seeded_demo(TODAY)
    unit = db.session.scalar(db.select(Unit))
    summary = build_summary(MONTH.year, MONTH.month, unit=unit)
    scope = Scope(MONTH, date(MONTH.year + (MONTH.month == 12), MONTH.month % 12 + 1, 1),
                  unit_id=unit.id)
    survey = next((c for c in figures_by_category(scope) if c.code == "facility_survey"), None)
    found = findings_counts(scope).official
    assert survey is None or survey.official.quantity == found.total
    assert summary.coverage.on_roll == 28  # thirty accounts, two of them staff
    staff = {"局办公室管理员", "社区联络员林芳"}
    assert not staff & {p.name for p in summary.coverage.not_yet}
