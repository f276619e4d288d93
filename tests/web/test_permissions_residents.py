"""Permission matrix rows for the resident register (blueprint ``residents``).

A resident's record: the liaison of its community, admins and the paired member
(``member`` in the world) — everyone else gets 404. Changing it: liaison and admins;
the paired member, who sees the record, is refused (403), as on 导出 and 删除个人信息.
Naming the residents a visit task served: the task's leader, liaison and admins.
"""
import pytest

from tests.residents.support import visit_task, world_resident
from tests.web.matrix import FORBIDDEN, HIDDEN, OK, Route, cases_for, check, everyone
from tracker.models import ResidentCategory

MAY_VIEW = {"member": OK, "liaison": OK, "admin": OK}
MANAGERS = {"liaison": OK, "admin": OK}
# editing, archiving, restoring and deleting the record: its managers; the paired member
# sees it but may not change it (403); for everyone else it does not exist (404)
CHANGERS = {**MANAGERS, "member": FORBIDDEN}
STAFF_ANY = {"liaison": OK, "other_liaison": OK, "admin": OK}
PICKERS = {"leader": OK, "liaison": OK, "admin": OK}
# PIPL export and erasure: admins; the liaison and the paired member, who see the
# record, are refused (403); for everyone else it does not exist.
ADMIN_ONLY = {"admin": OK, "liaison": FORBIDDEN, "member": FORBIDDEN}

RESIDENT_DATA = {"name": "钱爷爷", "category": ResidentCategory.elderly.value,
                 "address": "建设路8号", "phone": "13912345678", "notes": "",
                 "consent_date": "2024-01-02", "consent_method": "本人书面签字"}


def _rid(w):
    return world_resident(w).id


CASES = [
    # Everyone has a list: staff see their communities, members their own pairings.
    Route("residents.index", "GET", lambda w: "/residents/", everyone(), id="list"),
    Route("residents.index", "GET", lambda w: "/residents/?community=x&category=zz&archived=1",
          everyone(), id="list-odd-filters"),
    Route("residents.new", "GET", lambda w: "/residents/new", STAFF_ANY, id="new"),
    Route("residents.new", "GET", lambda w: f"/residents/new?community={w.community.id}",
          STAFF_ANY, id="new-in-A"),
    Route("residents.new", "POST", lambda w: f"/residents/new?community={w.community.id}",
          STAFF_ANY, data=RESIDENT_DATA, id="new-post"),
    Route("residents.detail", "GET", lambda w: f"/residents/{_rid(w)}", MAY_VIEW, default=HIDDEN, id="detail"),
    Route("residents.detail", "GET", lambda w: "/residents/999999", everyone(HIDDEN),
          id="detail-missing"),
    Route("residents.full", "POST", lambda w: f"/residents/{_rid(w)}/full", MAY_VIEW,
          default=HIDDEN, id="full-record"),
    Route("residents.edit", "GET", lambda w: f"/residents/{_rid(w)}/edit", CHANGERS, default=HIDDEN, id="edit"),
    Route("residents.edit", "POST", lambda w: f"/residents/{_rid(w)}/edit", CHANGERS,
          data=RESIDENT_DATA, default=HIDDEN, id="edit-post"),
    Route("residents.archive", "POST", lambda w: f"/residents/{_rid(w)}/archive", CHANGERS,
          default=HIDDEN, id="archive"),
    Route("residents.restore", "POST", lambda w: f"/residents/{_rid(w)}/restore", CHANGERS,
          default=HIDDEN, id="restore"),
    Route("residents.delete", "POST", lambda w: f"/residents/{_rid(w)}/delete", CHANGERS,
          default=HIDDEN, id="delete", data={"confirmed": "1"}),
    # PIPL Art. 45/47: everything held about a resident, and erasing it — admins only.
    Route("residents.export", "POST", lambda w: f"/residents/{_rid(w)}/export", ADMIN_ONLY,
          default=HIDDEN, id="export"),
    Route("residents.erase", "POST", lambda w: f"/residents/{_rid(w)}/erase", ADMIN_ONLY,
          data={"confirm": "y"}, default=HIDDEN, id="erase"),
    Route("residents.for_task", "GET", lambda w: f"/residents/task/{visit_task(w).id}", PICKERS,
          default=HIDDEN, id="task-residents"),
    Route("residents.for_task", "POST", lambda w: f"/residents/task/{visit_task(w).id}", PICKERS,
          data=lambda w: {"residents": [str(_rid(w))]}, default=HIDDEN, id="task-residents-post"),
    # A task that serves no residents (环境整治) has no such page.
    Route("residents.for_task", "GET", lambda w: f"/residents/task/{w.task.id}", everyone(HIDDEN),
          id="task-residents-wrong-category"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_resident_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
