"""服务对象 under PIPL: who sees what, masked phones, no-store, audit rows, retention."""
from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.residents.support import resident, visit_task, world_resident
from tracker.extensions import db
from tracker.models import AuditEvent, Resident, ResidentCategory, task_resident
from tracker.privacy import mask_phone
from tracker.services import PermissionDenied, ServiceError
from tracker.services.residents import (
    ResidentData,
    create_resident,
    delete_resident,
    pickable_residents,
    set_task_residents,
    update_resident,
)
from tracker.timeutil import local_today

FORM = {"name": "钱爷爷", "category": "elderly", "address": "建设路8号2单元",
        "phone": "13912345678", "notes": "", "consent_date": "2024-03-05",
        "consent_method": "本人书面签字"}


def _audits(action: str, resident_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity_type == "resident",
                                     AuditEvent.action == action)
    if resident_id is not None:
        query = query.where(AuditEvent.entity_id == resident_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_mask_phone():
    assert mask_phone("13800000001") == "138****0001"
    assert mask_phone("0571-87654321") == "****4321"
    assert mask_phone(None) == ""


# --- lists ---------------------------------------------------------------------------

def test_the_liaisons_list_shows_masked_phones_only(client, login, world):
    r = world_resident(world)
    login(world.liaison)
    response = client.get("/residents/")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert r.name in text
    assert "138****0001" in text
    assert "13800000001" not in text
    assert r.address not in text  # the address is on the record only
    assert response.headers["Cache-Control"] == "no-store"


def test_a_paired_member_lists_own_residents_only(client, login, world):
    mine = world_resident(world)
    other = resident(world.community, world.liaison, name="孙大爷", phone="13700000002")
    db.session.commit()
    login(world.member)
    text = client.get("/residents/").get_data(as_text=True)
    assert mine.name in text and other.name not in text
    assert "138****0001" in text and "13800000001" not in text


def test_an_unpaired_member_and_another_liaison_see_no_one(client, login, world):
    r = world_resident(world)
    for who in (world.other_member, world.leader, world.other_liaison):
        login(who)
        assert r.name not in client.get("/residents/").get_data(as_text=True)


def test_the_list_filters_archived_residents_out(client, login, world):
    r = world_resident(world)
    r.active = False
    db.session.commit()
    login(world.liaison)
    assert r.name not in client.get("/residents/").get_data(as_text=True)
    assert r.name in client.get("/residents/?archived=1").get_data(as_text=True)



# 服务对象 in the order of every list of people: by the pinyin of the name (安 an, 陈 chen,
# 黄 huang, 万 wan, 曾 zeng as a surname), not by code point (万 4E07 first, 黄 9EC4 last).
BY_PINYIN = ["安阿婆", "陈水生", "黄金花", "万秀珍", "曾阿姨"]


def _in_order_shown(page: str, names) -> list[str]:
    return sorted(names, key=page.index)


def test_the_list_is_in_pinyin_order_communities_in_their_order(client, login, world):
    """The register lists a community's residents by pinyin, and the communities in the
    order every list of them has (建设路社区 before 解放路社区), whichever was made first."""
    for phone, name in enumerate(reversed(BY_PINYIN)):
        resident(world.community, world.liaison, name=name, phone=f"1380000010{phone}")
    other = resident(world.other_community, world.other_liaison, name="白大爷",
                     phone="13800000110")
    db.session.commit()
    login(world.liaison)
    page = client.get(f"/residents/?community={world.community.id}").get_data(as_text=True)
    assert _in_order_shown(page, BY_PINYIN) == BY_PINYIN
    login(world.admin)
    page = client.get("/residents/").get_data(as_text=True)
    assert (world.other_community.name, world.community.name) == ("建设路社区", "解放路社区")
    assert _in_order_shown(page, [*BY_PINYIN, other.name]) == [other.name, *BY_PINYIN]


def test_the_pickers_of_residents_are_in_pinyin_order(world):
    """A visit's 本次服务的对象 and the 需求 form's 服务对象 offer the names by pinyin; the
    residents a task names are read back in that order too."""
    from tracker.needs.queries import form_choices
    from tracker.services.residents import task_residents

    made = [resident(world.community, world.liaison, name=name, phone=f"1380000020{i}")
            for i, name in enumerate(reversed(BY_PINYIN))]
    db.session.commit()
    task = visit_task(world)
    assert [r.name for r in pickable_residents(task, world.liaison)] == BY_PINYIN
    offered = [r.name for r in form_choices(world.community.id)["residents"]]
    assert offered == BY_PINYIN
    set_task_residents(task, world.liaison, {r.id for r in made})
    db.session.commit()
    assert [r.name for r in task_residents(task)] == BY_PINYIN


def test_a_renamed_resident_moves_to_the_place_of_the_new_name(world):
    """The key follows the name, as a member's does: 万秀珍 renamed 艾秀珍 (ai) comes first."""
    from tracker.name_order import name_key

    r = resident(world.community, world.liaison, name="万秀珍")
    r.name = "艾秀珍"
    db.session.commit()
    assert r.name_key == name_key("艾秀珍")


def test_archiving_ends_the_paired_members_access(client, login, world):
    """Archiving is what ends a pairing (the person moved, died, withdrew consent): the
    paired member no longer lists or opens the record; the archived list is the
    managers'."""
    r = world_resident(world)
    login(world.liaison)
    assert client.post(f"/residents/{r.id}/archive").status_code == 302
    login(world.member)
    assert r.name not in client.get("/residents/").get_data(as_text=True)
    assert r.name not in client.get("/residents/?archived=1").get_data(as_text=True)
    assert client.get(f"/residents/{r.id}").status_code == 404
    assert client.post(f"/residents/{r.id}/full").status_code == 404
    assert _audits("view", r.id) == []
    login(world.liaison)  # restored: the pairing counts again
    assert client.post(f"/residents/{r.id}/restore").status_code == 302
    login(world.member)
    assert client.get(f"/residents/{r.id}").status_code == 200

# --- the record ----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["member", "liaison", "admin"])
def test_the_record_page_holds_back_the_sensitive_fields_and_changes_nothing(client, login,
                                                                             world, who):
    r = world_resident(world)
    login(getattr(world, who))
    response = client.get(f"/residents/{r.id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert r.name in text and "138****0001" in text
    assert "13800000001" not in text and r.address not in text and r.notes not in text
    assert response.headers["Cache-Control"] == "no-store"
    assert _audits("view", r.id) == []  # GET changes nothing


@pytest.mark.parametrize("who", ["member", "liaison", "admin"])
def test_every_view_of_the_full_record_is_audited_and_not_cached(client, login, world, who):
    r = world_resident(world)
    viewer = getattr(world, who)
    login(viewer)
    response = client.post(f"/residents/{r.id}/full")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "13800000001" in text and r.address in text and r.notes in text
    assert response.headers["Cache-Control"] == "no-store"
    events = _audits("view", r.id)
    assert [e.actor_id for e in events] == [viewer.id]
    assert events[0].detail is None  # nothing personal in the trail
    client.post(f"/residents/{r.id}/full")
    assert len(_audits("view", r.id)) == 2  # every view


@pytest.mark.parametrize("who", ["liaison", "admin"])
def test_opening_the_edit_form_is_a_view_of_the_full_record_and_is_audited(client, login,
                                                                           world, who):
    """The form is filled in with the address, phone and notes: opening it leaves the
    same access record as 查看住址、电话和备注, and the form still saves."""
    r = world_resident(world)
    editor = getattr(world, who)
    login(editor)
    response = client.get(f"/residents/{r.id}/edit")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert r.address in text and "13800000001" in text and r.notes in text
    events = _audits("view", r.id)
    assert [(e.actor_id, e.detail) for e in events] == [(editor.id, None)]
    data = dict(FORM, name=r.name, notes="改过的备注", paired_ids=[str(world.member.id)])
    assert client.post(f"/residents/{r.id}/edit", data=data).status_code == 302
    db.session.refresh(r)
    assert r.notes == "改过的备注"
    assert len(_audits("view", r.id)) == 1  # saving shows nothing new: no second view row
    assert len(_audits("update", r.id)) == 1


def test_a_refused_edit_form_leaves_no_view_row(client, login, world):
    r = world_resident(world)
    login(world.member)  # paired: may see the record, may not edit it — refused, not hidden
    assert client.get(f"/residents/{r.id}/edit").status_code == 403
    assert _audits("view", r.id) == []


@pytest.mark.parametrize("who", ["other_member", "leader", "other_liaison"])
def test_others_get_404_and_leave_no_view_row(client, login, world, who):
    r = world_resident(world)
    login(getattr(world, who))
    assert client.get(f"/residents/{r.id}").status_code == 404
    assert client.post(f"/residents/{r.id}/full").status_code == 404
    assert _audits("view", r.id) == []


def test_no_page_of_the_register_is_cacheable(client, login, world):
    r = world_resident(world)
    login(world.liaison)
    for url in ("/residents/", f"/residents/{r.id}", f"/residents/{r.id}/edit",
                f"/residents/new?community={world.community.id}",
                f"/residents/task/{visit_task(world).id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    assert client.post(f"/residents/{r.id}/full").headers["Cache-Control"] == "no-store"


# --- the register: creating and editing ----------------------------------------------

def test_a_liaison_registers_a_resident_with_a_paired_member(client, login, world):
    login(world.liaison)
    data = dict(FORM, paired_ids=[str(world.member.id)])
    response = client.post(f"/residents/new?community={world.community.id}", data=data)
    assert response.status_code == 302
    r = db.session.scalar(select(Resident).where(Resident.name == "钱爷爷"))
    assert r.community_id == world.community.id and r.category == ResidentCategory.elderly
    assert [m.id for m in r.paired_members] == [world.member.id]
    assert r.consent_method == "本人书面签字"
    # The location is an id, never personal data.
    assert response.headers["Location"].endswith(f"/residents/{r.id}")
    event = _audits("create", r.id)[0]
    assert "钱爷爷" not in json.dumps(event.detail, ensure_ascii=False)
    assert "13912345678" not in json.dumps(event.detail, ensure_ascii=False)


@pytest.mark.parametrize("change,message", [
    ({"name": ""}, "请填写姓名"),
    ({"category": ""}, "请选择类别"),
    ({"category": "rich"}, "请选择类别"),
    ({"address": ""}, "请填写住址"),
    ({"phone": "12345"}, "请输入11位手机号或带区号的固定电话"),
    ({"consent_date": ""}, "请填写本人同意登记的日期"),
    ({"consent_date": "昨天"}, "日期格式不正确"),
    ({"consent_date": "2999-01-01"}, "同意日期不能晚于今天"),
    ({"consent_date": "0001-01-01"}, "同意日期不能早于2000年1月1日"),
    ({"consent_date": "1999-12-31"}, "同意日期不能早于2000年1月1日"),
    ({"phone": "١٣٩٠٧٩٤٠٠٠١"}, "请输入11位手机号或带区号的固定电话"),  # Arabic-Indic digits
    ({"consent_method": ""}, "请填写取得同意的方式"),
    ({"name": "张" * 41}, "不能超过40个字"),
    ({"paired_ids": ["999999"]}, "所选内容无效"),
])
def test_bad_input_gets_a_chinese_message_and_keeps_what_was_typed(client, login, world, change,
                                                                  message):
    login(world.liaison)
    data = dict(FORM, **change)
    response = client.post(f"/residents/new?community={world.community.id}", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in text
    assert "建设路8号2单元" in text or change.get("address") == ""
    assert db.session.scalar(select(func.count()).select_from(Resident)) == 0


def test_every_mistake_of_the_register_form_is_named_in_one_submit(client, login, world):
    """An empty 姓名 (the form's) and a 同意日期 in the future (the service's) are both
    named by the first submit, new or edit; what was typed is kept, nothing written."""
    login(world.liaison)
    data = dict(FORM, name="", consent_date="2999-01-01")
    response = client.post(f"/residents/new?community={world.community.id}", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写姓名。" in text and "同意日期不能晚于今天。" in text
    assert 'value="2999-01-01"' in text and "建设路8号2单元" in text
    assert db.session.scalar(select(func.count()).select_from(Resident)) == 0
    r = world_resident(world)
    before = (r.name, r.consent_date)
    response = client.post(f"/residents/{r.id}/edit", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写姓名。" in text and "同意日期不能晚于今天。" in text
    db.session.refresh(r)
    assert (r.name, r.consent_date) == before


def test_the_service_names_a_refused_pairing_beside_a_refused_field(world):
    """The form passed, the service refuses two fields: a 同意日期 in the future and a
    member of no partner unit as 结对党员, both at once, nothing written."""
    from tracker.services import ServiceErrors

    stranger = f.member(f.unit("县财政局"), name="外单位党员")
    data = ResidentData(community_id=world.community.id, name="周阿姨",
                        category=ResidentCategory.needy, address="解放路1号", phone=None,
                        notes=None, consent_date=local_today() + timedelta(days=1),
                        consent_method="口头同意", paired_ids={stranger.id})
    with pytest.raises(ServiceErrors) as refused:
        create_resident(world.liaison, data)
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("consent_date", "同意日期不能晚于今天。"),
        ("paired_ids", "结对党员须是在该社区共建单位的在册党员。")]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Resident)) == 0


@pytest.mark.parametrize("typed", ["１３９０７９４０００１", "1３９０７９４０００１", "139 0794 0001"])
def test_a_phone_typed_in_full_width_is_stored_in_ascii(client, login, world, typed):
    """The phone is stored as ASCII digits whatever the keyboard typed: one form to
    search, to mask in lists and logs, and to dial."""
    login(world.liaison)
    response = client.post(f"/residents/new?community={world.community.id}",
                           data=dict(FORM, phone=typed))
    assert response.status_code == 302
    assert db.session.scalar(select(Resident.phone)) == "13907940001"


@pytest.mark.parametrize("typed,stored", [
    ("+86 139 1234 5678", "13912345678"),
    ("139-1234-5678", "13912345678"),
    ("0086 139\u30001234\u30005678", "13912345678"),
    ("(0571)8888-8888", "0571-88888888"),
    ("（０５７１）８８８８－８８８８", "0571-88888888"),
    ("0571-88888888", "0571-88888888"),
    ("0571 8888 8888", "0571-88888888"),
    ("057188888888", "0571-88888888"),
    ("+86 571 8888 8888", "0571-88888888"),  # the country code for the trunk 0
    ("0086 10 6512 3456", "010-65123456"),
    ("(010)1234-5678", "010-12345678"),
    ("0755-1234567", "0755-1234567"),
])
def test_a_phone_written_as_families_write_it_is_stored_one_way(client, login, world, typed,
                                                                 stored):
    """Review "forms" #5: a mobile as the member form takes it (``phones``); a landline
    with brackets round the area code and blanks or dashes inside is stored 区号-号码
    (010 and 02x have three digits of area code, the others four)."""
    login(world.liaison)
    response = client.post(f"/residents/new?community={world.community.id}",
                           data=dict(FORM, phone=typed))
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert db.session.scalar(select(Resident.phone)) == stored


@pytest.mark.parametrize("typed", ["0571-123", "(0571)8888-88888", "１２", "+86 0571 88888888"])
def test_what_is_no_phone_is_refused_and_shown_as_typed(client, login, world, typed):
    login(world.liaison)
    response = client.post(f"/residents/new?community={world.community.id}",
                           data=dict(FORM, phone=typed))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请输入11位手机号或带区号的固定电话" in page
    assert f'value="{typed}"' in html.unescape(page)
    assert db.session.scalar(select(func.count()).select_from(Resident)) == 0


def test_the_earliest_consent_date_is_taken(world):
    from datetime import date

    data = ResidentData(community_id=world.community.id, name="周阿姨",
                        category=ResidentCategory.needy, address="解放路1号",
                        phone="０５７１－８７６５４３２１", notes=None,
                        consent_date=date(2000, 1, 1), consent_method="口头同意")
    assert create_resident(world.liaison, data).phone == "0571-87654321"


def test_a_member_of_no_partner_unit_cannot_be_paired(world):
    stranger = f.member(f.unit("县财政局"), name="外单位党员")
    data = ResidentData(community_id=world.community.id, name="周阿姨",
                        category=ResidentCategory.needy, address="解放路1号", phone=None,
                        notes=None, consent_date=local_today(), consent_method="口头同意",
                        paired_ids={stranger.id})
    with pytest.raises(ServiceError, match="结对党员"):
        create_resident(world.liaison, data)


def test_a_liaison_cannot_register_in_another_community(world):
    data = ResidentData(community_id=world.other_community.id, name="周阿姨",
                        category=ResidentCategory.needy, address="建设路1号", phone=None,
                        notes=None, consent_date=local_today(), consent_method="口头同意")
    with pytest.raises(PermissionDenied):
        create_resident(world.liaison, data)
    with pytest.raises(PermissionDenied):
        create_resident(world.member, data)


def test_editing_records_which_fields_changed_not_their_values(client, login, world):
    r = world_resident(world)
    login(world.liaison)
    data = dict(FORM, name=r.name, address="新地址9号", paired_ids=[str(world.member.id)])
    assert client.post(f"/residents/{r.id}/edit", data=data).status_code == 302
    db.session.refresh(r)
    assert r.address == "新地址9号"
    event = _audits("update", r.id)[0]
    assert "address" in event.detail["fields"]
    assert "新地址9号" not in json.dumps(event.detail, ensure_ascii=False)


def test_a_paired_member_cannot_edit(world):
    r = world_resident(world)
    data = ResidentData(community_id=None, name="x", category=ResidentCategory.needy,
                        address="y", phone=None, notes=None, consent_date=local_today(),
                        consent_method="z")
    with pytest.raises(PermissionDenied):
        update_resident(r, world.member, data)


# --- retention -----------------------------------------------------------------------

def test_a_resident_with_visits_is_archived_not_deleted(client, login, world):
    r = world_resident(world)
    task = visit_task(world)
    set_task_residents(task, world.liaison, {r.id})
    db.session.commit()
    login(world.liaison)
    response = client.post(f"/residents/{r.id}/delete", data={"confirmed": "1"},
                           follow_redirects=True)
    assert "只能归档" in response.get_data(as_text=True)
    assert db.session.get(Resident, r.id) is not None
    assert client.post(f"/residents/{r.id}/archive").status_code == 302
    db.session.refresh(r)
    assert r.active is False and r.archived_at is not None
    assert _audits("archive", r.id)
    # History still names the archived resident.
    page = client.get(f"/residents/{r.id}").get_data(as_text=True)
    assert task.title in page
    assert client.post(f"/residents/{r.id}/restore").status_code == 302
    db.session.refresh(r)
    assert r.active is True


def test_a_resident_without_history_can_be_erased(world):
    r = world_resident(world)
    rid = r.id
    delete_resident(r, world.liaison)
    db.session.commit()
    assert db.session.get(Resident, rid) is None
    assert _audits("delete", rid)


def test_a_resident_a_need_is_for_is_archived_not_deleted(client, login, world):
    """A 微心愿 posted for the resident is history too: no 删除 button, a refusal in
    Chinese on the page if pressed anyway, the record and the need both kept."""
    from tests.needs.support import need

    r = world_resident(world)
    wish = need(world.community, world.liaison, resident_id=r.id)
    db.session.commit()
    login(world.liaison)
    page = client.get(f"/residents/{r.id}").get_data(as_text=True)
    assert "删除登记信息" not in page
    response = client.post(f"/residents/{r.id}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "只能归档" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Resident, r.id) is not None
    assert db.session.get(type(wish), wish.id).resident_id == r.id
    with pytest.raises(ServiceError, match="只能归档"):
        delete_resident(r, world.liaison)


# --- tasks that served residents -----------------------------------------------------

def test_the_leader_names_the_residents_served_and_the_record_shows_the_visit(client, login,
                                                                              world):
    r = world_resident(world)
    r.paired_members.append(world.leader)  # the leader picks among their own pairings
    db.session.commit()
    task = visit_task(world)
    login(world.leader)
    page = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    assert r.name in page and "138****0001" in page
    assert "13800000001" not in page and r.address not in page
    assert client.post(f"/residents/task/{task.id}",
                       data={"residents": [str(r.id)]}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == 1
    login(world.member)  # the paired member sees the visit on the record
    record = client.get(f"/residents/{r.id}").get_data(as_text=True)
    assert task.title in record and "走访记录（1）" in record


def test_residents_of_another_community_cannot_be_named(world):
    other = resident(world.other_community, world.other_liaison, name="吴奶奶")
    task = visit_task(world)
    with pytest.raises(ServiceError, match="不属于"):
        set_task_residents(task, world.liaison, {other.id})
    with pytest.raises(ServiceError, match="结对"):
        set_task_residents(task, world.leader, {other.id})


def _community_roster(w):
    """The matrix's resident (paired with ``member``), one paired with the leader, and one
    paired with nobody — all in community A."""
    mine = resident(w.community, w.liaison, name="钱奶奶", phone="13800000002",
                    paired=[w.leader])
    nobodys = resident(w.community, w.liaison, name="孙爷爷", phone="13800000003")
    db.session.commit()
    return world_resident(w), mine, nobodys


def test_a_leader_who_is_not_staff_is_offered_only_the_residents_paired_with_them(client,
                                                                                login, world):
    """A member who leads a visit does not learn who else in the community is registered
    as poor or elderly and alone (names, category, masked phone): only their own
    pairings, and those the task already names."""
    others, mine, nobodys = _community_roster(world)
    task = visit_task(world)
    login(world.leader)
    page = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    assert mine.name in page and "138****0002" in page
    for hidden in (others, nobodys):
        assert hidden.name not in page and (hidden.masked_phone or "—") not in page
    assert "只列出与您结对的服务对象" in page
    # Naming someone not offered is refused on the form, and nothing is written.
    response = client.post(f"/residents/task/{task.id}", data={"residents": [str(nobodys.id)]})
    assert response.status_code == 200 and nobodys.name not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == 0
    with pytest.raises(ServiceError, match="结对"):
        set_task_residents(task, world.leader, {mine.id, nobodys.id})


def test_residents_the_liaison_named_are_names_only_to_a_leader_and_stay(client, login,
                                                                         world):
    """A leader sees who else the liaison named for the visit — the name, no phone, no
    category — and cannot take them off it: their save keeps them; a manager's removes."""
    others, mine, nobodys = _community_roster(world)
    task = visit_task(world)
    set_task_residents(task, world.liaison, {nobodys.id})
    db.session.commit()
    login(world.leader)
    page = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    assert nobodys.name in page and others.name not in page
    assert nobodys.masked_phone not in page
    assert f'value="{nobodys.id}"' not in page  # no checkbox to untick
    assert client.post(f"/residents/task/{task.id}",
                       data={"residents": [str(mine.id)]}).status_code == 302
    named = set(db.session.scalars(select(task_resident.c.resident_id)))
    assert named == {nobodys.id, mine.id}
    # The leader saving nothing ticked still keeps the liaison's entry.
    set_task_residents(task, world.leader, set())
    assert set(db.session.scalars(select(task_resident.c.resident_id))) == {nobodys.id}
    # The liaison can take it off.
    set_task_residents(task, world.liaison, set())
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == 0


@pytest.mark.parametrize("who", ["liaison", "admin"])
def test_staff_are_offered_every_active_resident_of_the_community(client, login, world, who):
    roster = _community_roster(world)
    task = visit_task(world)
    login(getattr(world, who))
    page = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    assert all(r.name in page for r in roster)
    assert "只列出与您结对的服务对象" not in page


def test_a_participant_who_is_not_the_leader_cannot_name_residents(world):
    task = visit_task(world)
    with pytest.raises(PermissionDenied):
        set_task_residents(task, world.member, set())


def test_archived_residents_are_not_offered_for_new_visits(client, login, world):
    r = world_resident(world)
    r.paired_members.append(world.leader)
    gone = resident(world.community, world.liaison, name="郑爷爷", active=False,
                    paired=[world.leader])
    db.session.commit()
    task = visit_task(world)
    login(world.leader)
    page = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    assert r.name in page and gone.name not in page


def test_other_categories_have_no_resident_page(client, login, world):
    login(world.liaison)
    assert client.get(f"/residents/task/{world.task.id}").status_code == 404


def test_no_personal_data_in_any_url(client, login, world):
    r = world_resident(world)
    login(world.liaison)
    text = client.get("/residents/").get_data(as_text=True)

    for href in re.findall(r'href="([^"]+)"', text):
        assert r.name not in href and "138" not in href


def test_visit_task_in_the_future_can_also_name_residents(world):
    task = visit_task(world)
    task.starts_at, task.ends_at = (task.starts_at + timedelta(days=5),
                                    task.ends_at + timedelta(days=5))
    r = world_resident(world)
    set_task_residents(task, world.liaison, {r.id})
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == 1


def test_a_visit_names_only_the_kind_its_category_serves(client, login, world):
    """走访慰问 serves 空巢老人: a 困难群众 household is not offered on its 服务对象 page,
    and a post naming one is refused on the page, nothing written."""
    elder = world_resident(world)
    household = resident(world.community, world.liaison, name="钱大伯", phone="13800000009",
                         category=ResidentCategory.needy)
    db.session.commit()
    task = visit_task(world)
    assert [r.id for r in pickable_residents(task, world.liaison)] == [elder.id]
    with pytest.raises(ServiceError, match="只能选择空巢老人"):
        set_task_residents(task, world.liaison, {elder.id, household.id})
    login(world.liaison)
    page = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    assert elder.name in page and household.name not in page
    response = client.post(f"/residents/task/{task.id}",
                           data={"residents": [str(elder.id), str(household.id)]})
    assert response.status_code == 200
    assert "所选内容无效" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == 0


@pytest.mark.parametrize("approved, signed, refused", [
    (True, True, True), (True, False, False), (False, True, False)],
    ids=["approved-signed", "approved-open-month", "pending-signed"])
def test_an_approved_visits_residents_in_a_finalised_month_are_changed_by_an_admin(
        client, login, world, approved, signed, refused):
    """An approved visit's 服务对象 are in its month's 月报 (「3户（6户次）」): once the month
    is signed, the leader and the liaison are refused, on the page too, and an admin
    changes them (docs/design.md, as the 组长 of such an activity)."""
    elder = world_resident(world)
    elder.paired_members.append(world.leader)
    task = visit_task(world)
    day = task.service_date
    f.reported(task, world.leader, approved=approved, people_served=1,
               signed_by=world.admin if signed else None)
    named = select(func.count()).select_from(task_resident)
    if refused:
        message = f"{day.year}年{day.month}月的月报已定稿，更改该月已审核活动的服务对象须由单位管理员操作"
        for actor in (world.leader, world.liaison):
            with pytest.raises(ServiceError, match=message):
                set_task_residents(task, actor, {elder.id})
        db.session.rollback()
        login(world.liaison)
        response = client.post(f"/residents/task/{task.id}", data={"residents": [str(elder.id)]})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "月报已定稿" in page
        # a page posted before the 定稿 comes back saying so, 保存 no longer offered
        # (what a liaison ticks there could not be saved: figures42 #4)
        assert 'name="residents"' not in page
        assert db.session.scalar(named) == 0
        set_task_residents(task, world.admin, {elder.id})
    else:
        set_task_residents(task, world.leader, {elder.id})
    assert db.session.scalar(named) == 1
