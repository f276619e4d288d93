"""review45 #2: a page that names the 已定稿 月报 and 年度总结 a change alters posts back
their key (``roll.named_key``), and the change is asked again only when the documents it
would change are others now (docs/design.md, "Refused in a 已定稿 month"). The key lists
its documents in the order of the units' and communities' names; a rename alone changes
that order, not the documents, so two keys naming the same documents compare equal in
whatever order their parts come (``roll.same_named``) — the addition is made, not
refused with 「…有了变化…」."""
from __future__ import annotations

import html
import re

from tests.reports.test_signed_named import sign_october_and_the_year
from tracker.extensions import db
from tracker.models import Member
from tracker.services.named_first import import_places_signed
from tracker.services.reopened import THEN_IMPORT
from tracker.services.roll import keep_named, named_key, same_named


def _key(page: str) -> str:
    return html.unescape(re.search(r'name="named_key"[^>]*value="([^"]*)"', page).group(1))


def _parts(key: str) -> list[str]:
    return [part.partition("@")[0] for part in key.split(",")]


def test_two_keys_of_the_same_documents_in_two_orders_name_the_same():
    assert same_named("1-2022-10@1,2-2022-10@1,yunit:1-2022",
                      "2-2022-10@1,1-2022-10@1,yunit:1-2022")
    assert same_named("yunit:1-2022,c3-2022-10,1-2022-10@3", "1-2022-10,c3-2022-10,yunit:1-2022")
    assert not same_named("1-2022-10,2-2022-10", "1-2022-10")  # one document fewer
    assert not same_named("1-2022-10", "1-2022-11")
    assert not same_named("", "1-2022-10") and same_named("", "")


def test_a_unit_renamed_between_the_naming_page_and_confirm(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    assert client.post(f"/reports/finalize?unit={october.other_unit.id}&month=2022-10",
                       data={"confirmed": "1"}).status_code == 302
    stranger = db.session.scalar(db.select(Member).where(Member.name == "财政局党员"))
    task = october.tasks["政策宣讲"]
    url = f"/manage/tasks/{task.id}/add-participant?q=财政局党员"
    page = client.post(url, data={"member": str(stranger.id), "hours": "1"}).get_data(as_text=True)
    assert "确认添加" in page
    key = _key(page)  # 县商务局's and 县财政局's October, 县商务局's 2022
    october.other_unit.name = "县人社局"  # another admin's rename, nothing else
    db.session.commit()
    again = client.post(url, data={"member": str(stranger.id), "hours": "1"}).get_data(as_text=True)
    assert _parts(_key(again)) != _parts(key)  # the same documents, another order now
    answer = client.post(url, data={"member": str(stranger.id), "hours": "1",
                                    "confirmed": "1", "named_key": key})
    assert answer.status_code == 302, "refused though the same documents are named"
    db.session.expire_all()
    assert stranger.id in {a.member_id for a in task.assignments}


def test_a_community_renamed_between_the_naming_and_the_change(client, login, october):
    """Two communities' own 月报 of one month in one key (the ledger import's, whose file
    names activities in both): renamed, the community lists after the other, and the key
    the page posted still names what the change names."""
    login(october.admin)
    for community in (october.jiefang, october.jianshe):
        assert client.post(f"/reports/finalize?community={community.id}&month=2022-10",
                           data={"confirmed": "1"}).status_code == 302
    places = [(october.unit.id, october.jiefang.id, 2022, 10),
              (october.unit.id, october.jianshe.id, 2022, 10)]
    key = named_key(import_places_signed(october.admin, places))
    assert len(_parts(key)) == 2, key
    october.jianshe.name = "长江路社区"  # listed after 解放路社区 now
    db.session.commit()
    now = import_places_signed(october.admin, places)
    assert _parts(named_key(now)) == _parts(key)[::-1]  # the same two, the other order
    # not refused: the same documents (the import's words, were it refused)
    keep_named(key, lambda: now, actor=october.admin, then=THEN_IMPORT)
