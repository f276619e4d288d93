"""Permission matrix rows for check-in and photos (blueprint ``onsite``).

404 when the task, finding or photo is outside the actor's reach; 403 when it is
visible but not theirs to change (a participant posting a photo) or to see: the
photos of a task anyone may see (an open one) are its participants', leader's and
staff's, and answer 403 to the others — 404 once the task is closed and out of
their reach (as its page, ``tasks.detail``). The check-in code (and 更换签到码) is its
leader's and staff's: 403 to whoever else sees the task, 404 to the others.
"""
import pytest
from sqlalchemy import select

from tests.onsite import samples
from tests.web.matrix import FORBIDDEN, HIDDEN, OK, Route, cases_for, check, everyone
from tracker.extensions import db
from tracker.models import Finding, FindingKind, Photo, TaskStatus, WaitlistEntry
from tracker.services.photos import add_task_photo

ON_PAST_TASK = {"member": OK, "leader": OK, "liaison": OK, "admin": OK}
REPORTERS = {"leader": OK, "liaison": OK, "admin": OK}
OTHER_STAFF = {"other_liaison": OK, "admin": OK}
# a participant who is not the leader sees the task's photos but may not add or remove one
PARTICIPANT_REFUSED = {**REPORTERS, "member": FORBIDDEN}
# the closed task's page and photos: those on it and its staff; it does not exist for others
CLOSED_ON_PAST_TASK = {**ON_PAST_TASK, "other_member": HIDDEN, "other_liaison": HIDDEN}
# its check-in code: its leader and staff; the member on it sees the task (403), the others not
CODE_OF_CLOSED_PAST_TASK = {**REPORTERS, "member": FORBIDDEN, "other_member": HIDDEN,
                            "other_liaison": HIDDEN}


def _close_past_task(w):
    w.past_task.status = TaskStatus.closed
    db.session.commit()


def _member_waits_on_cancelled_other_task(w):
    """张三 waits on B's full task, then called off: she sees the task (cancelled50), so
    its code and photos answer her 403, and 404 to the others out of its reach."""
    w.other_task.taken = w.other_task.slots
    db.session.add(WaitlistEntry(task_id=w.other_task.id, member_id=w.member.id))
    db.session.commit()
    w.other_task.status = TaskStatus.cancelled
    db.session.commit()


def _finding(w) -> Finding:
    finding = db.session.scalar(select(Finding).where(Finding.task_id == w.past_task.id))
    if finding is None:
        t = w.past_task
        finding = Finding(task_id=t.id, unit_id=t.unit_id, community_id=t.community_id,
                          found_on=t.service_date, kind=FindingKind.sewer, place="3号楼北侧",
                          created_by_id=w.leader.id)
        db.session.add(finding)
        db.session.commit()
    return finding


def _photo(w) -> Photo:
    photo = db.session.scalar(select(Photo).where(Photo.task_id == w.past_task.id))
    if photo is None:
        photo = add_task_photo(w.past_task, w.leader, samples.small_png())
        db.session.commit()
    return photo


CASES = [
    Route("onsite.checkin_landing", "GET", lambda w: f"/c/{w.task.checkin_token}", everyone(),
          id="landing"),
    Route("onsite.checkin_landing", "GET", lambda w: "/c/not-a-current-token", everyone(HIDDEN),
          id="landing-bad-token"),
    # Outside the window the refusal is a flash on the landing page, not an error.
    Route("onsite.checkin", "POST", lambda w: f"/c/{w.task.checkin_token}", everyone(),
          id="checkin"),
    Route("onsite.checkin", "POST", lambda w: "/c/not-a-current-token", everyone(HIDDEN),
          id="checkin-bad-token"),
    # the check-in code: its leader's and its staff's; 403 to whoever else sees the task
    # (an open one; a closed one they are on), 404 to those it is out of reach of
    Route("onsite.qr", "GET", lambda w: f"/onsite/tasks/{w.task.id}/qr", REPORTERS,
          default=FORBIDDEN, id="qr"),
    Route("onsite.qr", "GET", lambda w: f"/onsite/tasks/{w.other_task.id}/qr", OTHER_STAFF,
          default=FORBIDDEN, id="qr-other-community"),
    Route("onsite.qr", "GET", lambda w: "/onsite/tasks/999999/qr", everyone(HIDDEN),
          id="qr-missing"),
    Route("onsite.qr", "GET", lambda w: f"/onsite/tasks/{w.past_task.id}/qr",
          CODE_OF_CLOSED_PAST_TASK, setup=_close_past_task, id="qr-closed"),
    Route("onsite.rotate", "POST", lambda w: f"/onsite/tasks/{w.task.id}/qr/rotate", REPORTERS,
          default=FORBIDDEN, id="rotate", data={"confirmed": "1"}),
    Route("onsite.rotate", "POST", lambda w: f"/onsite/tasks/{w.other_task.id}/qr/rotate",
          OTHER_STAFF, default=FORBIDDEN, id="rotate-other-community", data={"confirmed": "1"}),
    Route("onsite.rotate", "POST", lambda w: "/onsite/tasks/999999/qr/rotate",
          everyone(HIDDEN), id="rotate-missing", data={"confirmed": "1"}),
    Route("onsite.rotate", "POST", lambda w: f"/onsite/tasks/{w.past_task.id}/qr/rotate",
          CODE_OF_CLOSED_PAST_TASK, setup=_close_past_task, id="rotate-closed",
          data={"confirmed": "1"}),
    Route("onsite.photos", "GET", lambda w: f"/onsite/tasks/{w.past_task.id}/photos",
          ON_PAST_TASK, default=FORBIDDEN, id="photos"),
    Route("onsite.photos", "GET", lambda w: f"/onsite/tasks/{w.other_task.id}/photos",
          OTHER_STAFF, default=FORBIDDEN, id="photos-other-community"),
    Route("onsite.photos", "POST", lambda w: f"/onsite/tasks/{w.past_task.id}/photos",
          PARTICIPANT_REFUSED, data={}, default=FORBIDDEN, id="photos-upload"),
    Route("onsite.finding_photo_page", "GET",
          lambda w: f"/onsite/findings/{_finding(w).id}/photo", ON_PAST_TASK, default=FORBIDDEN,
          id="finding-photo"),
    Route("onsite.finding_photo_page", "POST",
          lambda w: f"/onsite/findings/{_finding(w).id}/photo", PARTICIPANT_REFUSED,
          data={}, default=FORBIDDEN, id="finding-photo-upload"),
    Route("onsite.photo_file", "GET", lambda w: f"/onsite/photos/{_photo(w).id}", ON_PAST_TASK,
          default=FORBIDDEN, id="photo-full"),
    Route("onsite.photo_file", "GET", lambda w: f"/onsite/photos/{_photo(w).id}/thumb",
          ON_PAST_TASK, default=FORBIDDEN, id="photo-thumb"),
    Route("onsite.remove", "POST", lambda w: f"/onsite/photos/{_photo(w).id}/remove", PARTICIPANT_REFUSED,
          default=FORBIDDEN, id="photo-remove"),
    # a closed task: out of reach of those not on it, and so are its photos
    Route("onsite.photos", "GET", lambda w: f"/onsite/tasks/{w.past_task.id}/photos",
          CLOSED_ON_PAST_TASK, setup=_close_past_task, id="photos-closed"),
    Route("onsite.finding_photo_page", "GET",
          lambda w: f"/onsite/findings/{_finding(w).id}/photo", CLOSED_ON_PAST_TASK,
          setup=_close_past_task, id="finding-photo-closed"),
    Route("onsite.photo_file", "GET", lambda w: f"/onsite/photos/{_photo(w).id}",
          CLOSED_ON_PAST_TASK, setup=_close_past_task, id="photo-full-closed"),
    Route("onsite.remove", "POST", lambda w: f"/onsite/photos/{_photo(w).id}/remove",
          {**REPORTERS, "member": FORBIDDEN, "other_member": HIDDEN, "other_liaison": HIDDEN},
          setup=_close_past_task, id="photo-remove-closed"),
    # a cancelled task is out of reach but of its staff and those who waited on it
    Route("onsite.qr", "GET", lambda w: f"/onsite/tasks/{w.other_task.id}/qr",
          {**OTHER_STAFF, "member": FORBIDDEN}, setup=_member_waits_on_cancelled_other_task,
          default=HIDDEN, id="qr-cancelled-waiting"),
    Route("onsite.photos", "GET", lambda w: f"/onsite/tasks/{w.other_task.id}/photos",
          {**OTHER_STAFF, "member": FORBIDDEN}, setup=_member_waits_on_cancelled_other_task,
          default=HIDDEN, id="photos-cancelled-waiting"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_onsite_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
