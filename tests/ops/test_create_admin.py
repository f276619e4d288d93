"""`flask --app wsgi create-admin` on an empty installation, through Click's runner with
real typed input (on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set).

The issue's rules: the unit is created when needed; the password is typed twice
without echo, or --invite prints a link; a weak password, a phone already in use and
any run once an admin exists (unless --force, which is audited) are refused.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import AuditEvent, Invitation, Member, Role, Unit
from tests.plans import password_signs_in

PHONE = "13900001111"
GOOD = "Dangjian-Gongjian-7"
ARGS = ["create-admin", "--phone", PHONE, "--name", "王管理", "--unit", "县商务局"]


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _admin():
    db.session.expire_all()
    return db.session.scalar(select(Member).where(Member.phone == PHONE))


def test_first_admin_and_unit_from_a_password_typed_twice(runner):
    result = runner.invoke(args=ARGS, input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert GOOD not in result.output  # typed without echo
    admin = _admin()
    assert admin.role == Role.admin and admin.active and admin.name == "王管理"
    assert admin.unit.name == "县商务局"
    assert password_signs_in(PHONE, GOOD) == admin
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"create", "create_admin"} <= actions


def test_a_mistyped_confirmation_asks_again(runner):
    result = runner.invoke(args=ARGS, input=f"{GOOD}\n{GOOD}x\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "两次输入的密码不一致" in result.output  # in the prompts' language
    assert "do not match" not in result.output
    assert password_signs_in(PHONE, GOOD) == _admin()


def test_an_existing_unit_is_reused(runner, app):
    unit = f.unit("县商务局")
    db.session.commit()
    result = runner.invoke(args=ARGS, input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert _admin().unit_id == unit.id
    assert _count(Unit) == 1


@pytest.mark.parametrize("password", [
    "Ab1!xyz",          # seven characters: fewer than eight
    "12345678",         # on the list of common passwords
    "aaaabbbb",         # too few different characters
    f"x{PHONE}",        # contains the phone number
])
def test_a_weak_password_is_refused_right_after_it_is_typed_and_asked_again(runner, password):
    """The admin learns it at once and types another, instead of typing it twice and
    then the whole command line again."""
    result = runner.invoke(args=ARGS, input=f"{password}\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    first, _, rest = result.output.partition("再次输入密码")
    assert "密码" in first.split("\n", 1)[1]  # the reason, before any confirmation
    assert first.count("密码:") == 2 and rest.count("再次输入密码") == 0
    assert password_signs_in(PHONE, GOOD) == _admin()
    assert password_signs_in(PHONE, password) is None


def test_only_weak_passwords_write_nothing(runner):
    result = runner.invoke(args=ARGS, input="12345678\n")  # then the input ends
    assert result.exit_code != 0
    assert _admin() is None
    assert _count(Unit) == 0 and _count(AuditEvent) == 0


def test_a_phone_in_use_is_refused_before_any_password_is_asked(runner):
    f.member(f.unit("县商务局"), phone=PHONE)
    db.session.commit()
    result = runner.invoke(args=ARGS, input="")
    assert result.exit_code != 0
    assert "该手机号已被其他党员使用" in result.output
    assert _count(Member, Member.role == Role.admin) == 0


def test_once_an_admin_exists_a_second_run_is_refused(runner):
    f.member(f.unit("县商务局"), Role.admin, phone="13900002222")
    db.session.commit()
    result = runner.invoke(args=ARGS, input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code != 0
    assert "--force" in result.output
    assert _admin() is None


def test_force_makes_another_admin_and_says_so_in_the_audit_trail(runner):
    f.member(f.unit("县商务局"), Role.admin, phone="13900002222")
    db.session.commit()
    result = runner.invoke(args=[*ARGS, "--force"], input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    admin = _admin()
    assert admin.role == Role.admin
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create_admin"))
    assert event.entity_id == admin.id
    assert event.detail["forced"] is True and event.detail["admins_before"] == 1


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": "https://gongjian.example.gov.cn"}])
def test_invite_prints_a_working_link_on_the_public_address(runner, client):
    result = runner.invoke(args=[*ARGS, "--invite"])
    assert result.exit_code == 0, result.output
    admin = _admin()
    assert admin.password_hash is None
    links = [line for line in result.output.splitlines()
             if line.startswith("https://gongjian.example.gov.cn/invite/")]
    assert len(links) == 1, result.output
    assert _count(Invitation, Invitation.member_id == admin.id) == 1
    path = links[0].removeprefix("https://gongjian.example.gov.cn")
    page = client.get(path)
    assert page.status_code == 200
    assert "设置登录密码" in page.get_data(as_text=True)


def test_invite_without_a_public_address_prints_the_path(runner, client):
    result = runner.invoke(args=[*ARGS, "--invite"])
    assert result.exit_code == 0, result.output
    paths = [line for line in result.output.splitlines() if line.startswith("/invite/")]
    assert len(paths) == 1, result.output
    assert "PUBLIC_URL" in result.output
    assert client.get(paths[0]).status_code == 200
