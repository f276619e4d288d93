"""Starting from an empty database: the first admin (``flask --app wsgi create-admin``).

Nobody can log in to a new installation, and every other way to an account (the
member form, the import, an invitation link) needs an admin, so the first one is
made from the server's shell. Once an admin exists a second run is refused unless
forced: ``--force`` is how a lost admin account is replaced, and it is audited.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Member, Role, Unit
from ..phones import normalise_phone
from . import ServiceError
from .audit import record
from .directory import PHONE_RE, PHONE_TAKEN
from .passwords import check_password_strength


@dataclass
class FirstAdmin:
    phone: str
    name: str
    unit_name: str


def admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Member).where(Member.role == Role.admin,
                                                       Member.active.is_(True)))


def check_may_create(phone: str, *, force: bool) -> None:
    """The refusals that do not depend on the password, so the shell can say them
    before asking for one."""
    phone = normalise_phone(phone)
    if not PHONE_RE.match(phone):
        raise ServiceError(_l("请输入11位手机号。"), field="phone")
    if db.session.scalar(select(Member.id).where(Member.phone == phone)) is not None:
        raise ServiceError(PHONE_TAKEN, field="phone")
    if admin_count() and not force:
        raise ServiceError(_l("已有单位管理员。请由管理员在“管理 → 党员干部”中添加账号；"
                              "确需再建一个管理员（如原管理员账号无法使用），请加 --force。"))


def create_first_admin(data: FirstAdmin, password: str | None, *, force: bool = False,
                       by: str | None = None) -> Member:
    """The admin account, and its unit when there is none of that name.

    ``password`` None: no password yet (the caller issues an invitation link).
    ``by`` names who ran the command on the server (the OS user), for the audit row.
    """
    phone = normalise_phone(data.phone)  # as the member form stores it
    name = (data.name or "").strip()
    unit_name = (data.unit_name or "").strip()
    check_may_create(phone, force=force)
    if not name or len(name) > 40:
        raise ServiceError(_l("姓名必填，且不能超过%(max)d个字。", max=40), field="name")
    if not unit_name or len(unit_name) > 80:
        raise ServiceError(_l("单位名称必填，且不能超过%(max)d个字。", max=80), field="unit")
    if password is not None:
        problem = check_password_strength(password, phone=phone)
        if problem is not None:
            raise ServiceError(problem, field="password")
    admins_before = admin_count()
    unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
    new_unit = unit is None
    if new_unit:
        unit = Unit(name=unit_name, active=True)
        db.session.add(unit)
    elif not unit.active:
        raise ServiceError(_l("单位“%(name)s”已停用。", name=unit_name), field="unit")
    admin = Member(name=name, phone=phone, unit=unit, role=Role.admin, active=True)
    if password is not None:
        admin.set_password(password)
    db.session.add(admin)
    db.session.flush()
    if new_unit:
        record(admin, "create", unit, name=unit.name, via="create-admin")
    record(admin, "create_admin", admin, via="create-admin", by=by, forced=bool(force),
           admins_before=admins_before, password_set=password is not None)
    return admin
