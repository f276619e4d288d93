"""deploy/tracker-purge-residents.service runs three daily jobs: purge-residents,
purge-members and sweep-uploads. systemd stops a oneshot service at the first
ExecStart= that fails, so a resident purge-residents cannot erase (a signed 月报 it
cannot redact; review "maintain" #1) would also keep every switched-off member's phone
and every orphan photo, day after day. The unit's command is run here for real, as
systemd would run it (its `$$` and `%%` escapes undone, the app folder a stand-in whose
`flask` records each job and fails the ones asked): every job runs whichever failed,
and a failure still fails the unit and names the job."""
from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "tracker-purge-residents.service"
APP = "/srv/tracker/app"
JOBS = ["purge-residents", "purge-members", "sweep-uploads"]

# Records its job (the last argument) and fails when the job is named in FAIL_JOBS.
FAKE_FLASK = """#!/bin/sh
for last; do :; done
echo "$last" >> "$JOB_LOG"
case " $FAIL_JOBS " in *" $last "*) exit 3 ;; esac
exit 0
"""


def _exec_starts() -> list[str]:
    return [line.split("=", 1)[1] for line in UNIT.read_text(encoding="utf-8").splitlines()
            if line.startswith("ExecStart=")]


def _as_systemd_runs(command: str) -> list[str]:
    """The argv systemd gives the process: `%%` is `%`, `$$` is `$`; any other `%x`
    or `$NAME` would be a systemd specifier or variable, which this unit must not use."""
    bare = command.replace("%%", "").replace("$$", "")
    assert "%" not in bare, f"a systemd specifier in {command!r}"
    assert not re.search(r"\$\{?[A-Za-z_]", bare), f"a systemd variable in {command!r}"
    return shlex.split(command.replace("%%", "%").replace("$$", "$"))


def test_no_job_is_skipped_by_an_earlier_failure():
    """Parsed: every ExecStart= after the first may only follow `-`-prefixed lines
    (whose failure systemd ignores); here there is one, running all three jobs."""
    lines = _exec_starts()
    for index, line in enumerate(lines[1:], start=1):
        assert all(earlier.startswith("-") for earlier in lines[:index]), line
    assert all(job in " ".join(lines) for job in JOBS)


@pytest.fixture
def run_unit(tmp_path):
    flask = tmp_path / "app" / ".venv" / "bin" / "flask"
    flask.parent.mkdir(parents=True)
    flask.write_text(FAKE_FLASK)
    flask.chmod(0o755)
    log = tmp_path / "jobs.log"

    def run(*failing: str) -> tuple[int, list[str], str]:
        log.write_text("")
        codes = []
        stderr = ""
        for line in _exec_starts():
            argv = _as_systemd_runs(line.lstrip("-"))
            argv = [arg.replace(APP, str(tmp_path / "app")) for arg in argv]
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                                  env={"PATH": "/usr/bin:/bin", "JOB_LOG": str(log),
                                       "FAIL_JOBS": " ".join(failing)})
            stderr += done.stderr
            if done.returncode and not line.startswith("-"):
                codes.append(done.returncode)
                break  # systemd stops here and marks the unit failed
        return (codes[0] if codes else 0), log.read_text().split(), stderr

    return run


def test_all_jobs_run_and_the_unit_succeeds(run_unit):
    code, ran, _ = run_unit()
    assert (code, ran) == (0, JOBS)


@pytest.mark.parametrize("failing", JOBS)
def test_a_failing_job_stops_no_other_and_fails_the_unit(run_unit, failing):
    code, ran, stderr = run_unit(failing)
    assert ran == JOBS
    assert code != 0
    assert f"flask {failing} failed (exit 3)" in stderr


def test_two_failing_jobs_are_both_named(run_unit):
    code, ran, stderr = run_unit("purge-residents", "purge-members")
    assert ran == JOBS and code != 0
    assert "failed: purge-residents purge-members" in stderr
