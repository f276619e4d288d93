"""Two admins on one member's form, each from a page read before the other saved: the
second post is merged with the first, field by field, as a careful editor would.

The rules, for each field the form shows (here a text field, 党支部; the 手机号; the
单位, a move on the roll; a liaison's 负责的社区, compared as a set; 计入参与统计):

- a field the second admin left as their page showed it keeps the first admin's change
  (the page that follows the save names it);
- a field the second admin changed, which nobody else changed, is written — over a page
  whose other fields someone else changed meanwhile;
- a field both changed to the same value saves, as one change — but a move (单位) or
  计入参与统计 made by both with a 自何日起 other than the day the first took effect is
  a conflict on the roll history (「该党员的在册记录已被他人修改…」);
- a field left as the page showed it is left alone also when what it showed has been
  taken out of use (停用) since: not refused as a choice no longer offered;
- a field both changed to different values is a conflict: the whole post is refused
  「该党员的信息已被他人修改，请刷新后重试。」, what was typed kept and nothing written,
  and the page names the conflicting fields apart from the other's changes that would be
  kept. (计入参与统计 has two values: two changes of it are the same change.)

On the old code every one of these posts was refused whole, and the refusal named every
field changed meanwhile as if it were a conflict.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.audit import work_event_count
from tests.web.roll_support import ROLL_STALE, STALE, edit, member, page_of
from tests.web.test_admin_roll_stale_page import form_on
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Role, Unit
from tracker.services import directory, roll
from tracker.timeutil import local_today

KEPT = "同时保留了他人在您打开页面之后所做的修改："
ROLL_LINE = "<li>在册记录：已有新的变动，见下方“在册记录”。</li>"


def data(m: Member, **changes) -> directory.MemberData:
    """The member as stored, with ``changes``: another admin's form from a page read now."""
    values = dict(name=m.name, phone=m.phone, unit_id=m.unit_id, role=m.role,
                  branch=m.branch, on_roll=m.on_roll,
                  community_ids=[c.id for c in m.communities])
    return directory.MemberData(**(values | changes))


def unit_named(name: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.name == name))


@dataclass(frozen=True)
class Kind:
    """A field of the member form: whose form (``subject``: "member" 张三 or "liaison"
    联络员甲), another admin's new value and this admin's (``theirs`` / ``mine``, from the
    world, as ``MemberData`` holds them) and the field's stored value (``read``)."""

    field: str
    label: str
    subject: str
    theirs: Callable[[Any], Any]
    mine: Callable[[Any], Any]
    read: Callable[[Member], Any]


KINDS = {
    "branch": Kind("branch", "党支部", "member", lambda w: "机关第一党支部",
                   lambda w: "第二党支部", lambda m: m.branch),
    "phone": Kind("phone", "手机号", "member", lambda w: "13900001111",
                  lambda w: "13700003333", lambda m: m.phone),
    "unit": Kind("unit_id", "单位", "member", lambda w: unit_named("县财政局"),
                 lambda w: unit_named("县民政局"), lambda m: m.unit_id),
    "communities": Kind("community_ids", "负责的社区（仅社区联络员）", "liaison",
                        lambda w: sorted([w.community.id, w.other_community.id]),
                        lambda w: [w.other_community.id],
                        lambda m: sorted(c.id for c in m.communities)),
    "on_roll": Kind("on_roll", "计入参与统计", "member", lambda w: False, lambda w: False,
                    lambda m: m.on_roll),
}


def posted(form, name: str, value) -> None:
    """``value`` (as ``MemberData`` holds it) typed into the field ``name`` of ``form``."""
    if name == "community_ids":
        form.setlist(name, [str(v) for v in value])
    elif name == "on_roll":
        form[name] = "1" if value else "0"
    else:
        form[name] = str(value)


@pytest.fixture
def two_admins(world):
    """管理员乙 works on the same members; 县财政局 and 县民政局 exist (the unit field's
    two new values)."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    f.unit("县财政局")
    f.unit("县民政局")
    db.session.commit()
    return other_admin


def subject(world, kind: Kind) -> Member:
    return member((world.member if kind.subject == "member" else world.liaison).id)


def page_form(client, member_id: int, **typed):
    """The admin's page of the member, read now: the form it would post."""
    return form_on(page_of(client.get(edit(member_id))), "phone", **typed)


def saved(client, response) -> str:
    """The post was saved: the page it leads to (its flash)."""
    assert response.status_code == 302, page_of(response)[:3000]
    return page_of(client.get(response.headers["Location"]))


def open_stay(member_id: int) -> int | None:
    return next((p.unit_id for p in member(member_id).roll_periods if p.until is None), None)


def conflicts_and_kept(page: str) -> tuple[str, str]:
    """The refused page's note: the conflicts, then the other's changes it would keep."""
    start = page.find('id="stale"')
    assert start >= 0, "no note of what changed"
    note = page[start:page.find("</section>", start)]
    split = note.find('class="stale-kept"')
    return (note, "") if split < 0 else (note[:split], note[split:])


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_another_admins_change_survives_a_post_that_left_the_field_as_shown(
        client, login, world, two_admins, kind):
    """E.g. 管理员乙's new phone for 张三 survives 管理员's new name for him, posted from
    a page read before 乙's save; the page after the save names the phone kept."""
    login(world.admin)
    person = subject(world, kind)
    name = person.name
    mine = page_form(client, person.id, name=name + "甲")
    theirs = kind.theirs(world)
    directory.update_member(person, two_admins, data(person, **{kind.field: theirs}))
    db.session.commit()
    stays_before = [(p.unit_id, p.since, p.until) for p in member(person.id).roll_periods]

    page = saved(client, client.post(edit(person.id), data=mine))
    assert f"{KEPT}{kind.label}。" in page
    now = member(person.id)
    assert kind.read(now) == theirs and now.name == name + "甲"
    # the roll as the other admin's change left it (a move kept is not made again)
    assert [(p.unit_id, p.since, p.until) for p in now.roll_periods] == stays_before


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_a_field_typed_is_saved_from_a_page_whose_other_field_changed_meanwhile(
        client, login, world, two_admins, kind):
    """E.g. 管理员's move of 张三 to 县民政局 is made (on the roll too) although 管理员乙
    renamed him after the page was read; 乙's name stays."""
    login(world.admin)
    person = subject(world, kind)
    name = person.name
    mine = page_form(client, person.id)
    posted(mine, kind.field, kind.mine(world))
    directory.update_member(person, two_admins, data(person, name=name + "乙"))
    db.session.commit()

    page = saved(client, client.post(edit(person.id), data=mine))
    assert f"{KEPT}姓名。" in page
    now = member(person.id)
    assert kind.read(now) == kind.mine(world) and now.name == name + "乙"
    assert open_stay(person.id) == roll.wanted_unit(now)
    if kind.field == "unit_id":
        assert open_stay(person.id) == unit_named("县民政局")


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_one_change_made_by_both_admins_saves(client, login, world, two_admins, kind):
    """管理员乙 and 管理员 both make the same change of the field from pages read before
    either saved: the second post saves, as one change (nothing more to write)."""
    login(world.admin)
    person = subject(world, kind)
    mine = page_form(client, person.id)
    posted(mine, kind.field, kind.theirs(world))
    directory.update_member(person, two_admins, data(person, **{kind.field: kind.theirs(world)}))
    db.session.commit()
    stays_before = [(p.unit_id, p.since, p.until) for p in member(person.id).roll_periods]
    updates = db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "update", AuditEvent.entity_type == "member",
        AuditEvent.entity_id == person.id))

    page = saved(client, client.post(edit(person.id), data=mine))
    assert KEPT not in page
    now = member(person.id)
    assert kind.read(now) == kind.theirs(world)
    assert [(p.unit_id, p.since, p.until) for p in now.roll_periods] == stays_before
    assert db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "update", AuditEvent.entity_type == "member",
        AuditEvent.entity_id == person.id)) == updates


ROLL_KINDS = {k: KINDS[k] for k in ("unit", "on_roll")}


def stays(member_id: int) -> list:
    return [(p.unit_id, p.since, p.until) for p in member(member_id).roll_periods]


def member_updates(member_id: int) -> int:
    return db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "update", AuditEvent.entity_type == "member",
        AuditEvent.entity_id == member_id))


@pytest.mark.parametrize("kind", ROLL_KINDS.values(), ids=ROLL_KINDS.keys())
def test_one_move_made_by_both_admins_on_other_days_is_a_conflict_on_the_roll(
        client, login, world, two_admins, kind):
    """管理员乙 moves 张三 to 县财政局 (or takes him off 计入参与统计) from ten days ago;
    管理员, from a page read before, makes the same change from three days ago: the
    change is the same, its date is not — the roll history would say 乙's day while
    管理员 typed another. Refused on the roll 「该党员的在册记录已被他人修改…」, naming
    乙's change and the roll history, the date typed kept, nothing written; typed with
    乙's very day, it is one change and saves with nothing more to write."""
    today = local_today()
    theirs_day, my_day = today - timedelta(days=10), today - timedelta(days=3)
    login(world.admin)
    person = subject(world, kind)
    mine = page_form(client, person.id, roll_from=my_day.isoformat())
    posted(mine, kind.field, kind.theirs(world))
    directory.update_member(person, two_admins, data(
        person, roll_from=theirs_day, **{kind.field: kind.theirs(world)}))
    db.session.commit()
    before, updates, events = stays(person.id), member_updates(person.id), work_event_count()

    response = client.post(edit(person.id), data=mine)
    assert response.status_code == 200
    page = page_of(response)
    assert ROLL_STALE in page and STALE not in page
    assert stays(person.id) == before and work_event_count() == events
    assert member_updates(person.id) == updates
    assert form_on(page, "phone")["roll_from"] == my_day.isoformat()  # typed, kept
    conflicts, kept = conflicts_and_kept(page)
    assert f"<li>{kind.label}：打开页面时为" in conflicts and ROLL_LINE in conflicts
    assert kind.label not in kept

    mine["roll_from"] = theirs_day.isoformat()
    page = saved(client, client.post(edit(person.id), data=mine))
    assert KEPT not in page
    assert stays(person.id) == before and member_updates(person.id) == updates


@pytest.mark.parametrize("typed", ["dated", "undated"])
def test_a_dated_move_over_anothers_off_the_roll_meanwhile_is_a_conflict_on_the_roll(
        client, login, world, two_admins, typed):
    """管理员 moves 张三 to 县民政局 from ten days ago; 管理员乙, from a page read after,
    takes him off 计入参与统计 from three days ago and saves first. Off the roll, a move
    changes no stay, so saved 管理员's move would lose its 自何日起 unsaid (a dated
    change is never saved without its date): refused on the roll as the other order
    is, naming 乙's 计入参与统计 (not kept), the unit and the date typed kept, nothing
    written. With no date typed there is no date to lose: the move is saved as a
    field, 乙's change kept."""
    today = local_today()
    login(world.admin)
    person = subject(world, KINDS["unit"])
    mine = page_form(client, person.id, unit_id=str(unit_named("县民政局")))
    if typed == "dated":
        mine["roll_from"] = (today - timedelta(days=10)).isoformat()
    directory.update_member(person, two_admins, data(
        person, on_roll=False, roll_from=today - timedelta(days=3)))
    db.session.commit()
    before, updates = stays(person.id), member_updates(person.id)

    response = client.post(edit(person.id), data=mine)
    if typed == "undated":
        assert f"{KEPT}计入参与统计。" in saved(client, response)
        assert member(person.id).unit_id == unit_named("县民政局")
        return
    assert response.status_code == 200
    page = page_of(response)
    assert ROLL_STALE in page and STALE not in page
    assert stays(person.id) == before and member_updates(person.id) == updates
    assert member(person.id).unit_id == world.unit.id
    again = form_on(page, "phone")
    assert again["roll_from"] == mine["roll_from"]  # typed, kept
    assert again["unit_id"] == str(unit_named("县民政局"))
    conflicts, kept = conflicts_and_kept(page)
    assert "<li>计入参与统计：打开页面时为" in conflicts and ROLL_LINE in conflicts
    assert "计入参与统计" not in kept


OUT_OF_USE = {"unit": KINDS["unit"], "communities": KINDS["communities"]}


@pytest.mark.parametrize("kind", OUT_OF_USE.values(), ids=OUT_OF_USE.keys())
def test_a_value_taken_out_of_use_left_as_shown_keeps_anothers_change(
        client, login, world, two_admins, kind):
    """张三 is in 县档案局 (联络员甲 has 人民路社区 too), and it is then 停用: their
    pages still show it, as theirs. 管理员乙 moves 张三 to 县财政局 (takes 人民路社区 off
    her); 管理员, from a page read before, renames them only: saved, 乙's change kept
    and named — the 县档案局 (人民路社区) the page posted back untouched is not refused as
    a choice no longer offered."""
    person = subject(world, kind)
    if kind.field == "unit_id":
        gone = f.unit("县档案局")
        directory.update_member(person, world.admin, data(person, unit_id=gone.id))
    else:
        gone = f.community("人民路社区")
        directory.update_member(person, world.admin, data(
            person, community_ids=[world.community.id, gone.id]))
    db.session.commit()
    if kind.field == "unit_id":
        # a unit switched off with people in it: refused since session 38 (peoplefix),
        # still met in an installation that did it before
        gone.active = False
    else:
        directory.set_active(gone, world.admin, False)
    db.session.commit()
    login(world.admin)
    person = member(person.id)
    name = person.name
    mine = page_form(client, person.id, name=name + "甲")
    assert str(gone.id) in mine.getlist(kind.field)  # the page showed it, as theirs
    theirs = kind.theirs(world) if kind.field == "unit_id" else [world.community.id]
    directory.update_member(person, two_admins, data(person, **{kind.field: theirs}))
    db.session.commit()

    page = saved(client, client.post(edit(person.id), data=mine))
    assert f"{KEPT}{kind.label}。" in page
    now = member(person.id)
    assert kind.read(now) == theirs and now.name == name + "甲"


def test_a_unit_taken_out_of_use_is_still_refused_when_chosen(client, login, world):
    """A unit 停用 is not offered: posted for a member who is not in it (a page that did
    not show it as theirs), it is refused as a choice, nothing written."""
    gone = f.unit("县档案局")
    db.session.commit()
    directory.set_active(gone, world.admin, False)
    db.session.commit()
    login(world.admin)
    mine = page_form(client, world.member.id, unit_id=str(gone.id))
    response = client.post(edit(world.member.id), data=mine)
    assert response.status_code == 200 and "请从列表中选择。" in page_of(response)
    assert member(world.member.id).unit_id == world.unit.id


@pytest.mark.parametrize("kind", [k for k in KINDS.values() if k.field != "on_roll"],
                         ids=[k for k in KINDS if k != "on_roll"])
def test_two_different_changes_of_one_field_refuse_the_second_post_whole(
        client, login, world, two_admins, kind):
    """管理员乙 changes the field (and the name); 管理员, from a page read before, changes
    the field to something else (and the 党支部 / the name is left): refused, nothing of
    it written, what was typed kept; the note names the field in conflict, and 乙's new
    name apart, as a change that would be kept."""
    login(world.admin)
    person = subject(world, kind)
    name = person.name
    mine = page_form(client, person.id)
    posted(mine, kind.field, kind.mine(world))
    if kind.field != "branch":
        mine["branch"] = "第三党支部"  # a field nobody else changed: not written either
    directory.update_member(person, two_admins, data(
        person, name=name + "乙", **{kind.field: kind.theirs(world)}))
    db.session.commit()
    after, events = directory.shown_values(member(person.id)), work_event_count()

    response = client.post(edit(person.id), data=mine)
    assert response.status_code == 200
    page = page_of(response)
    assert STALE in page
    assert directory.shown_values(member(person.id)) == after and work_event_count() == events
    again = form_on(page, "phone")
    assert again.getlist(kind.field) == mine.getlist(kind.field)  # typed, kept
    conflicts, kept = conflicts_and_kept(page)
    assert f"<li>{kind.label}：打开页面时为" in conflicts
    # not the name, nor the 党支部 only typed here; two moves are a conflict on the roll
    # history too, named at once
    moves = kind.field == "unit_id"
    assert conflicts.count("<li>") == 1 + moves
    assert (ROLL_LINE in conflicts) == moves
    assert f"<li>姓名：打开页面时为{name}，现为{name}乙</li>" in kept


def test_a_liaisons_demotion_over_a_community_given_meanwhile_is_a_conflict(
        client, login, world, two_admins):
    """管理员乙 gives 联络员甲 建设路社区 as well; 管理员, from a page read before, makes her
    a 党员干部 (which takes every community from her): 乙's change would be undone, so
    the post is refused, naming her communities."""
    login(world.admin)
    liaison = member(world.liaison.id)
    mine = page_form(client, liaison.id, role=Role.member.value)
    directory.update_member(liaison, two_admins, data(
        liaison, community_ids=[world.community.id, world.other_community.id]))
    db.session.commit()

    response = client.post(edit(liaison.id), data=mine)
    assert response.status_code == 200 and STALE in page_of(response)
    conflicts, _kept = conflicts_and_kept(page_of(response))
    assert "负责的社区（仅社区联络员）：打开页面时为解放路社区，现为建设路社区、解放路社区" \
        in conflicts
    assert member(liaison.id).role == Role.liaison


def test_a_member_made_a_liaison_meanwhile_stays_one_with_their_community(
        client, login, world, two_admins):
    """管理员乙 makes 张三 a 社区联络员 of 解放路社区; 管理员's page, read before, showed a
    党员干部 with no community and saves a 党支部: 张三 stays a liaison of 解放路社区."""
    login(world.admin)
    zhang = member(world.member.id)
    mine = page_form(client, zhang.id, branch="第二党支部")
    directory.update_member(zhang, two_admins, data(
        zhang, role=Role.liaison, community_ids=[world.community.id]))
    db.session.commit()

    page = saved(client, client.post(edit(zhang.id), data=mine))
    assert f"{KEPT}角色、负责的社区（仅社区联络员）。" in page
    now = member(zhang.id)
    assert (now.role, [c.id for c in now.communities], now.branch) == (
        Role.liaison, [world.community.id], "第二党支部")


def test_the_refusal_carries_the_merge_decided_under_the_lock(world, two_admins):
    """管理员乙 renames 张三 and gives him a 党支部; 管理员's post, from a page read before,
    renames him otherwise and leaves the 党支部 as shown: ``update_member`` refuses it
    with the merge it decided under the lock — the name in conflict (as the page showed
    it and as 乙 left it), 乙's 党支部 among the changes that would be kept — so the
    page can say what refused the post without deciding it again."""
    person = member(world.member.id)
    name, branch = person.name, person.branch
    mine = dataclasses.replace(data(person, name=name + "甲"),
                               shown=directory.member_shown_key(person),
                               roll_shown=roll.shown_key(roll.last_change(person)))
    directory.update_member(person, two_admins, data(person, name=name + "乙",
                                                     branch="机关第一党支部"))
    db.session.commit()

    with pytest.raises(directory.MemberFormRefused) as refused:
        directory.update_member(member(person.id), world.admin, mine)
    db.session.rollback()
    assert str(refused.value.message) == STALE
    merge = refused.value.merge
    assert [(c.field, c.shown, c.now) for c in merge.conflicts] == [
        ("name", name, name + "乙")]
    assert [(c.field, c.shown, c.now) for c in merge.kept] == [
        ("branch", branch or None, "机关第一党支部")]
    assert not merge.roll_stale


@pytest.mark.parametrize("kind", ["field", "roll"])
def test_the_refused_page_names_the_conflicts_decided_once(
        client, login, world, two_admins, monkeypatch, kind):
    """The refused page's lines come from the refusal itself: the form is merged once,
    under the member's lock, and not merged again for the page (outside the lock, in
    another transaction, where a third admin's save made meanwhile would name
    conflicts other than those that refused the post). A field conflict (two names) and
    a conflict on the roll (two moves)."""
    merges = []
    merge = directory.merge_member_form

    def counted(*args, **kwargs):
        merges.append(args[0].id)
        return merge(*args, **kwargs)

    monkeypatch.setattr(directory, "merge_member_form", counted)
    login(world.admin)
    person = member(world.member.id)
    name = person.name
    if kind == "field":
        mine = page_form(client, person.id, name=name + "甲")
        directory.update_member(person, two_admins, data(person, name=name + "乙"))
    else:
        mine = page_form(client, person.id, unit_id=str(unit_named("县民政局")))
        directory.update_member(person, two_admins, data(person, unit_id=unit_named("县财政局")))
    db.session.commit()
    merges.clear()

    response = client.post(edit(person.id), data=mine)
    assert response.status_code == 200
    page = page_of(response)
    assert merges == [person.id]
    conflicts, _kept = conflicts_and_kept(page)
    if kind == "field":
        assert STALE in page
        assert f"<li>姓名：打开页面时为{name}，现为{name}乙</li>" in conflicts
    else:
        assert STALE in page  # two different moves: a field conflict and the roll
        assert "<li>单位：打开页面时为" in conflicts and ROLL_LINE in conflicts
