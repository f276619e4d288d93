"""The zygote of ``tests.flask_cli.run_flask_forked`` (tests/flask_zygote.py): one per
environment its libraries could read on import. The app's own settings (``APP_SETTINGS``:
the database, the photos' folder, the key, the address) are read only by the app, in the
command's child, so commands that differ only in them share a zygote — and each still
runs with its own."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests import flask_cli
from tests.flask_cli import NEW_INTERPRETER_SWITCH, NOT_READ_ON_IMPORT, ROOT, close_zygote

# In a new interpreter: every variable looked up in os.environ while the zygote's
# libraries are imported (os.getenv, .get, [], `in` all go through __getitem__), and
# whether anything read the whole environment.
_RECORD = """
import importlib, json, os, sys
looked_up, listed = set(), []
environ = type(os.environ)
getitem, iterate = environ.__getitem__, environ.__iter__
environ.__getitem__ = lambda self, key: (looked_up.add(key), getitem(self, key))[1]
environ.__iter__ = lambda self: (listed.append(1), iterate(self))[1]
sys.path.insert(0, "tests")
import flask_zygote
for name in flask_zygote.THIRD_PARTY:
    importlib.import_module(name)
print(json.dumps({"looked_up": sorted(looked_up), "listed": bool(listed)}))
"""


def test_the_zygotes_libraries_read_none_of_the_apps_settings_on_import():
    env = {**os.environ, **{name: "set" for name in NOT_READ_ON_IMPORT}}
    done = subprocess.run([sys.executable, "-c", _RECORD], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    read = json.loads(done.stdout.strip().splitlines()[-1])
    assert read["looked_up"], "the recording saw no lookup at all"
    assert not set(read["looked_up"]) & set(NOT_READ_ON_IMPORT), read["looked_up"]
    assert read["listed"] is False  # nothing read every variable, these among them


@pytest.mark.skipif(os.environ.get(NEW_INTERPRETER_SWITCH) == "1",
                    reason="every command in a new interpreter: no zygote")
def test_commands_differing_only_in_the_apps_settings_share_a_zygote_each_with_its_own(
        tmp_path, monkeypatch):
    asks = ("from flask import current_app as a\n"
            "print('SEEN', a.config['UPLOAD_FOLDER'], a.config['SECRET_KEY'])\n")
    keys = {name: secrets.token_urlsafe(48) for name in ("one", "two")}
    close_zygote()
    try:
        seen, zygotes = [], []
        for name, key in keys.items():
            monkeypatch.setenv("PYTEST_CURRENT_TEST", f"as if in another test, {name}")
            done = flask_cli.run_flask_forked(
                f"sqlite:///{tmp_path / name}.sqlite3", "shell", input=asks,
                env={"UPLOAD_FOLDER": str(tmp_path / name), "SECRET_KEY": key})
            assert done.returncode == 0, done.stderr[-3000:]
            seen += [line.split()[-2:] for line in done.stdout.splitlines() if "SEEN" in line]
            zygotes.append(flask_cli._zygote.process.pid)
    finally:
        close_zygote()
    assert seen == [[str(tmp_path / name), key] for name, key in keys.items()]
    assert len(zygotes) == 2 and zygotes[0] == zygotes[1]
