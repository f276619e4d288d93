"""Limits that hold: failed logins counted where every worker and app server sees them
(the database by default, Redis when configured, the database again while Redis is
down); strict per account-and-address and per address, a growing delay per account;
the owner's own phone let through while the account is under attack; the current
password on /auth/password and unknown /invite/<token> and /c/<token> links limited too;
per-process counters refused in production with several workers.
"""
from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.security.support import BAD_PASSWORD, LOGIN_FAILED, error_texts
from tests.security.workers import failed_logins_elsewhere
from tracker import create_app, throttle
from tracker.config import ConfigError, require_shared_throttle
from tracker.extensions import db
from tracker.models import ThrottleHit
from tracker.services.invitations import issue_links

LIMITED = {"RATELIMIT_ENABLED": True}  # the shipped limits: 5 / 30 per 15 minutes
OWNER_ADDRESS = "10.9.9.9"


def attempt(client, phone, password=BAD_PASSWORD, address="10.0.0.1"):
    db.session.rollback()  # the test's own session holds no lock while an app writes
    return client.post("/auth/login", data={"phone": phone, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def rewind(seconds: int) -> None:
    """Every counted failure happened ``seconds`` earlier (the database counts)."""
    for row in db.session.scalars(select(ThrottleHit)):
        row.at -= timedelta(seconds=seconds)
    db.session.commit()


@pytest.fixture
def still_clock(monkeypatch):
    """The throttle's clock stopped at one moment: every request of the test is counted
    and judged at that moment, however long the machine takes between two of them, and
    only ``rewind`` makes time pass. A delay of 1 or 2 s after the latest failure is
    then there for the next request — on a busy machine that request used to come more
    than a second later and find the delay already over."""
    from tracker import throttle
    from tracker.timeutil import utcnow

    moment = utcnow()
    monkeypatch.setattr(throttle, "utcnow", lambda: moment)
    return moment


def second_instance(app, **config):
    """Another app on the same database: another gunicorn worker or app server."""
    return create_app({**{k: app.config[k] for k in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SERVER_NAME",
        "PASSWORD_HASH_METHOD", "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI")}, **config})


@pytest.fixture
def app_config():
    return dict(LIMITED)


# ---------------------------------------------------------------- one message for every failure

def test_same_message_whether_or_not_the_account_exists(client, world):
    known = attempt(client, world.member.phone)
    unknown = attempt(client, "13712345678")
    assert known.status_code == unknown.status_code == 200
    known_errors = error_texts(known.get_data(as_text=True))
    assert known_errors == error_texts(unknown.get_data(as_text=True))
    assert LOGIN_FAILED in known_errors


def test_an_unknown_phone_costs_a_check_with_the_members_own_hash_parameters(
        client, world, monkeypatch):
    """A miss must cost what a wrong password costs: the password is checked against a
    hash made with the same method and parameters as the members' hashes."""
    from tracker.services import accounts

    checked = []

    def spy(pwhash, password):
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", spy)
    attempt(client, "13712345678")
    assert checked == [world.member.password_hash.split("$", 1)[0]]


SWITCHED_OFF = "该账号已停用，请联系单位管理员。"


def test_a_switched_off_account_with_its_right_password_is_told_so_and_counts_nothing(
        client, world):
    """The owner of a switched-off account typing the right password is told why, and
    whom to ask — however many times: no lockout count, no session. A wrong password
    for it gets the message any failure gets (nothing told of the account) and counts."""
    inactive = f.member(world.unit, active=False)
    db.session.commit()
    for _ in range(7):  # more than the 5 failures the account-and-address allows
        response = attempt(client, inactive.phone, f.PASSWORD)
        assert response.status_code == 200
        assert error_texts(response.get_data(as_text=True)) == [SWITCHED_OFF]
    assert db.session.scalar(select(func.count(ThrottleHit.id))) == 0
    assert client.get("/tasks/").status_code == 302  # not signed in

    wrong = attempt(client, inactive.phone)
    assert error_texts(wrong.get_data(as_text=True)) == [LOGIN_FAILED]
    assert db.session.scalar(select(func.count(ThrottleHit.id))) > 0


def test_a_switched_off_account_costs_the_same_hash_check(client, world, monkeypatch):
    """Right or wrong, the password of a switched-off account is checked against its
    hash, as any account's: the answer takes no less time than a wrong password's."""
    from tracker.services import accounts

    inactive = f.member(world.unit, active=False)
    db.session.commit()
    checked = []
    real = type(inactive).check_password
    monkeypatch.setattr(type(inactive), "check_password",
                        lambda self, pw: checked.append(self.id) or real(self, pw))
    attempt(client, inactive.phone, f.PASSWORD)
    attempt(client, inactive.phone)
    assert checked == [inactive.id, inactive.id]
    assert accounts.SWITCHED_OFF == SWITCHED_OFF


# ---------------------------------------------------------------- case 2: limits across workers

def test_the_account_and_address_limit_holds_across_two_processes(app, client, world):
    """Five wrong passwords for one phone from one address, spread over two app
    instances in two processes (workers or servers) on one database: the next
    attempt, in either, is a 429."""
    phone = world.member.phone
    here = [attempt(client, phone, address="10.0.1.1").status_code for _ in range(3)]
    there = failed_logins_elsewhere(app, phone, "10.0.1.1", 3)
    assert here + there == [200] * 5 + [429], (here, there)
    assert attempt(client, phone, f.PASSWORD, "10.0.1.1").status_code == 429


def test_the_address_limit_holds_across_two_instances(app, client, world):
    other = second_instance(app).test_client()
    codes = [attempt(client if n % 2 else other, f"1370000{n:04d}", address="10.0.2.1").status_code
             for n in range(33)]
    assert codes == [200] * 30 + [429] * 3, codes
    assert attempt(client, "13700009999", address="10.0.2.2").status_code == 200


def test_an_ipv6_client_is_counted_by_its_64_network(client, world):
    """Any IPv6 client holds a /64 (2^64 addresses): rotating through it must not escape
    the per-address limit. One /64 is counted as one address; another /64 apart."""
    codes = [attempt(client, f"1370001{n:04d}", address=f"2001:db8:1:2::{n + 1:x}").status_code
             for n in range(33)]
    assert codes == [200] * 30 + [429] * 3, codes
    assert attempt(client, "13700019999", address="2001:db8:1:3::1").status_code == 200
    # one address of it, written another way, is the same client
    assert attempt(client, "13700019998", address="2001:0db8:0001:0002:ffff::1").status_code == 429


def test_an_ipv4_client_seen_through_ipv6_is_that_ipv4_address(client, world):
    for n in range(30):
        attempt(client, f"1370002{n:04d}", address="10.0.7.1")
    assert attempt(client, "13700029999", address="::ffff:10.0.7.1").status_code == 429
    assert attempt(client, "13700029998", address="::ffff:10.0.7.2").status_code == 200


def test_link_guesses_from_one_64_are_counted_together(client, world):
    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    for n in range(20):
        response = client.get(f"/invite/guess-{n}",
                              environ_base={"REMOTE_ADDR": f"2001:db8:5:6:{n:x}::1"})
        assert response.status_code == 404
    refused = client.get("/invite/guess-x", environ_base={"REMOTE_ADDR": "2001:db8:5:6::99"})
    assert refused.status_code == 429
    other = client.get("/invite/guess-x", environ_base={"REMOTE_ADDR": "2001:db8:5:7::1"})
    assert other.status_code == 404
    # a real link is no guess: served from the locked /64 too
    assert client.get(f"/invite/{link.token}",
                      environ_base={"REMOTE_ADDR": "2001:db8:5:6::99"}).status_code == 200


def test_the_refusal_is_in_chinese_on_the_login_form_with_retry_after(client, world):
    for _ in range(5):
        attempt(client, world.member.phone)
    refused = attempt(client, world.member.phone, f.PASSWORD)  # even the right password
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "尝试次数过多" in page and world.member.phone in page  # what was typed is kept
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_counts_live_in_the_database_by_default_and_hold_no_personal_data(client, world):
    attempt(client, world.member.phone, address="10.0.3.1")
    keys = db.session.scalars(select(ThrottleHit.key)).all()
    assert len(keys) == 3  # account+address, address, account
    assert not any(world.member.phone in key or "10.0.3.1" in key for key in keys)


def test_successful_logins_do_not_count(client, world):
    for n in range(6):
        response = attempt(client, world.member.phone, f.PASSWORD, address="10.0.4.1")
        assert response.status_code == 302, n
        client.post("/auth/logout")


def test_a_success_clears_the_account_and_address_count(client, world):
    for _ in range(4):
        attempt(client, world.member.phone, address="10.0.4.2")
    assert attempt(client, world.member.phone, f.PASSWORD, address="10.0.4.2").status_code == 302
    client.post("/auth/logout")
    assert attempt(client, world.member.phone, address="10.0.4.2").status_code == 200


# ---------------------------------------------------------------- case 3: the owner is not locked out

def _attack(client, phone, times=20):
    for n in range(times):
        rewind(61)  # the attacker waits out every delay
        attempt(client, phone, address=f"10.66.{n}.1")


def test_the_owners_phone_logs_in_while_the_account_is_under_attack(app, client, world, still_clock):
    owner = app.test_client()
    assert attempt(owner, world.member.phone, f.PASSWORD, OWNER_ADDRESS).status_code == 302
    owner.post("/auth/logout")
    _attack(client, world.member.phone)
    response = attempt(owner, world.member.phone, f.PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 302  # the trusted-device cookie: no wait at all


def test_without_the_owners_phone_the_wait_is_short_not_a_lock(client, world, still_clock):
    _attack(client, world.member.phone)
    newcomer = attempt(client, world.member.phone, f.PASSWORD, "10.7.7.7")
    assert newcomer.status_code == 429
    assert int(newcomer.headers["Retry-After"]) <= 60  # LOGIN_DELAY_MAX_SECONDS, not 15 minutes
    rewind(61)
    assert attempt(client, world.member.phone, f.PASSWORD, "10.7.7.7").status_code == 302


def test_the_delay_grows_with_the_failures(client, world, still_clock):
    """Each round: wait out any delay, fail once, and see how long the next try must wait
    (a try that is not refused is one more failure)."""
    waits = []
    for n in range(10):
        rewind(61)
        attempt(client, world.member.phone, address=f"10.5.{n}.1")
        probe = attempt(client, world.member.phone, address=f"10.5.{n}.2")
        waits.append(int(probe.headers.get("Retry-After", 0)))
    assert waits[:2] == [0, 0]  # four failures: below LOGIN_LIMIT_PER_ACCOUNT, no delay
    delays = [wait for wait in waits if wait]
    assert delays[0] == 1 and delays == sorted(delays) and delays[-1] > 4
    assert max(delays) <= 60


def test_someone_elses_device_cookie_does_not_help(app, client, world, still_clock):
    attacker = app.test_client()
    assert attempt(attacker, world.other_member.phone, f.PASSWORD, "10.8.0.1").status_code == 302
    attacker.post("/auth/logout")
    _attack(client, world.member.phone, times=6)
    assert attempt(attacker, world.member.phone, address="10.8.0.1").status_code == 429


def test_a_forged_device_cookie_is_ignored(client, world, still_clock):
    _attack(client, world.member.phone, times=6)
    client.set_cookie("tracker_device", '{"d": "x", "m": [%d]}' % world.member.id,
                      domain="localhost")
    assert attempt(client, world.member.phone, f.PASSWORD, "10.8.0.2").status_code == 429


def test_the_owners_phone_has_a_strict_limit_of_its_own(app, world):
    owner = app.test_client()
    assert attempt(owner, world.member.phone, f.PASSWORD, OWNER_ADDRESS).status_code == 302
    owner.post("/auth/logout")
    codes = [attempt(owner, world.member.phone, address=f"10.4.{n}.1").status_code
             for n in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


# ---------------------------------------------------------------- other guesses

def test_guessing_the_current_password_is_limited(client, world, http_login):
    http_login(world.member)
    form = {"new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"}
    for _ in range(5):
        response = client.post("/auth/password", data={**form, "current": BAD_PASSWORD})
        assert response.status_code == 200
        assert "当前密码不正确" in response.get_data(as_text=True)
    refused = client.post("/auth/password", data={**form, "current": f.PASSWORD})
    assert refused.status_code == 429 and "尝试次数过多" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert world.member.check_password(f.PASSWORD)  # unchanged


def test_the_right_current_password_counts_nothing_whatever_the_new_one(client, world,
                                                                          http_login):
    """Counted before it is checked, a right current password gives its count back,
    even when the new password is then refused."""
    http_login(world.member)
    same = {"current": f.PASSWORD, "new_password": f.PASSWORD, "confirm": f.PASSWORD}
    for _ in range(6):
        response = client.post("/auth/password", data=same)
        assert response.status_code == 200
        assert "新密码不能与当前密码相同" in response.get_data(as_text=True)


def test_guessing_invitation_links_is_limited(client, world):
    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    for n in range(20):
        response = client.get(f"/invite/guess-{n}", environ_base={"REMOTE_ADDR": "10.3.0.1"})
        assert response.status_code == 404
    refused = client.get("/invite/guess-20", environ_base={"REMOTE_ADDR": "10.3.0.1"})
    assert refused.status_code == 429 and "操作过于频繁" in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers
    other = client.get("/invite/guess-20", environ_base={"REMOTE_ADDR": "10.3.0.2"})
    assert other.status_code == 404
    # only guesses are refused: someone else's real link from the same address (a
    # carrier's NAT) opens
    served = client.get(f"/invite/{link.token}", environ_base={"REMOTE_ADDR": "10.3.0.1"})
    assert served.status_code == 200


def test_a_counted_attempt_is_its_own_commit_and_the_limit_then_waits(app):
    """Link guesses and full exports share one rule (throttle._wait_else_count): below
    the limit the attempt is counted in a commit of its own, so the request's work
    rolled back afterwards (a 404, a failed download) still leaves it counted; at the
    limit the answer is the wait, and a refused attempt counts nothing more."""
    from tracker.rate_rules import Rule

    limit = Rule(amount=2, seconds=3600)
    key_ = throttle.key("test-own-commit", "one")
    with app.test_request_context("/"):
        waits = []
        for _ in range(2):
            waits.append(throttle._wait_else_count(key_, limit))
            db.session.rollback()  # the rest of the request fails
        waits.append(throttle._wait_else_count(key_, limit))
        db.session.rollback()
    assert waits[:2] == [0, 0]
    assert 3500 < waits[2] <= 3601
    counted = db.session.scalar(select(func.count()).select_from(ThrottleHit)
                                .where(ThrottleHit.key == key_))
    assert counted == 2


def test_guessing_check_in_codes_is_limited(client, world, http_login):
    http_login(world.member)
    for n in range(20):
        response = client.post(f"/c/guess-{n}", environ_base={"REMOTE_ADDR": "10.3.1.1"})
        assert response.status_code == 404
    refused = client.get("/c/guess-20", environ_base={"REMOTE_ADDR": "10.3.1.1"})
    assert refused.status_code == 429
    # the task's real code still opens from that address (others' guesses lock no one out)
    served = client.get(f"/c/{world.task.checkin_token}", environ_base={"REMOTE_ADDR": "10.3.1.1"})
    assert served.status_code == 200


def test_guessing_calendar_feed_addresses_is_limited(client, world):
    """The feed address is a secret link too (no login: a phone's calendar fetches it)."""
    from tracker.services.notify import new_calendar_token

    token = new_calendar_token(world.member)
    db.session.commit()
    for n in range(20):
        response = client.get(f"/me/feed/guess-{n}.ics", environ_base={"REMOTE_ADDR": "10.3.2.1"})
        assert response.status_code == 404
    refused = client.get("/me/feed/guess-20.ics", environ_base={"REMOTE_ADDR": "10.3.2.1"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    other = client.get("/me/feed/guess-20.ics", environ_base={"REMOTE_ADDR": "10.3.2.2"})
    assert other.status_code == 404
    served = client.get(f"/me/feed/{token}.ics", environ_base={"REMOTE_ADDR": "10.3.2.1"})
    assert served.status_code == 200 and served.data.startswith(b"BEGIN:VCALENDAR")


def test_dead_feed_addresses_polled_from_one_server_lock_no_live_feed(client, world):
    """Every new password or 「生成新地址」 ends a feed address, and the calendar app keeps
    polling it: a calendar server (or a carrier's NAT) fetching many members' feeds
    gathers those 404s, and the live feeds it fetches must still be served."""
    from tracker.services.notify import new_calendar_token

    live = new_calendar_token(world.member)
    dead = new_calendar_token(world.liaison)
    db.session.commit()
    new_calendar_token(world.liaison)  # the liaison made a new address: the old one ends
    db.session.commit()
    server = {"REMOTE_ADDR": "10.3.3.1"}
    codes = [client.get(f"/me/feed/{dead}.ics", environ_base=server).status_code
             for _ in range(21)]
    assert codes == [404] * 20 + [429]
    assert client.get(f"/me/feed/{live}.ics", environ_base=server).status_code == 200


# ---------------------------------------------------------------- per-process counters

def test_per_process_counters_do_not_hold_across_processes(app, world):
    """Why memory:// is refused with several workers: each process counts alone."""
    first = failed_logins_elsewhere(app, world.member.phone, "10.0.9.1", 5,
                                    RATELIMIT_STORAGE_URI="memory://")
    second = failed_logins_elsewhere(app, world.member.phone, "10.0.9.1", 5,
                                     RATELIMIT_STORAGE_URI="memory://")
    assert first + second == [200] * 10


@pytest.mark.parametrize("workers,mode,storage,refused", [
    (2, "production", "memory://", True),
    (4, "production", "memory://", True),
    (1, "production", "memory://", False),
    (2, "production", "database", False),
    (2, "production", "redis://127.0.0.1:6379/0", False),
    (2, "development", "memory://", False),
])
def test_several_workers_with_per_process_counters_refuse_to_start(workers, mode, storage, refused):
    if refused:
        with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
            require_shared_throttle(workers, mode, storage)
    else:
        require_shared_throttle(workers, mode, storage)


def test_the_app_refuses_memory_counters_under_several_workers(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret-of-48-characters")
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("PUBLIC_URL", "https://gongjian.county.gov.cn")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "database"


def test_an_unknown_counter_storage_refuses_to_start():
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app({"TESTING": True, "RATELIMIT_STORAGE_URI": "memcached://127.0.0.1"})


# ---------------------------------------------------------------- Redis, and Redis down

class TestRedis:
    @pytest.fixture
    def app_config(self, redis_url):
        return {**LIMITED, "RATELIMIT_STORAGE_URI": redis_url[0]}

    def test_the_limit_holds_across_two_processes_on_redis(self, app, client, world):
        here = [attempt(client, world.member.phone, address="10.1.0.1").status_code
                for _ in range(2)]
        there = failed_logins_elsewhere(app, world.member.phone, "10.1.0.1", 3)
        assert here + there == [200] * 5, (here, there)
        assert attempt(client, world.member.phone, f.PASSWORD, "10.1.0.1").status_code == 429
        # in Redis, and in the database too (it counts alone while Redis is down)
        account = throttle.key("login-acct", world.member.phone)
        assert db.session.scalar(select(func.count(ThrottleHit.id))
                                 .where(ThrottleHit.key == account)) == 5

    def test_the_guesses_made_before_an_outage_still_count_during_it_and_after(
            self, app, client, world, redis_url, caplog, tmp_path):
        """A Redis outage, and its return (here a restart without its keys), gives the
        account no fresh set of guesses."""
        url, process = redis_url
        address = "10.1.2.1"
        codes = [attempt(client, world.member.phone, address=address).status_code
                 for _ in range(3)]
        process.terminate()
        process.wait(timeout=10)
        # Redis down: the database had every hit, two more guesses and the limit.
        codes += [attempt(client, world.member.phone, address=address).status_code
                  for _ in range(3)]
        assert codes == [200] * 5 + [429], codes
        # Redis back, empty: the database's hits still count.
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        again = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "redis-server did not start again"
                    time.sleep(0.05)
            app.extensions["throttle"]._down_until = 0.0  # its 30 s are the test's to skip
            with caplog.at_level(logging.WARNING, logger="tracker.throttle"):
                assert attempt(client, world.member.phone, address=address).status_code == 429
            assert any("Redis reachable again" in r.getMessage() for r in caplog.records)
        finally:
            again.terminate()
            again.wait(timeout=10)

    def test_logins_still_work_when_redis_is_down(self, app, client, world, redis_url, caplog):
        _url, process = redis_url
        assert attempt(client, world.member.phone, address="10.1.1.1").status_code == 200
        process.terminate()
        process.wait(timeout=10)
        with caplog.at_level(logging.WARNING, logger="tracker.throttle"):
            response = attempt(client, world.member.phone, f.PASSWORD, "10.1.1.1")
        assert response.status_code == 302
        assert any("Redis unreachable" in r.getMessage() for r in caplog.records)
        client.post("/auth/logout")
        # Meanwhile the database counts: the limits still hold.
        codes = [attempt(client, world.member.phone, address="10.1.1.2").status_code
                 for _ in range(6)]
        assert codes == [200] * 5 + [429], codes
