"""The files an operator's command is given: a relative path means the folder the
admin started ``tracker-flask`` in, and what the command says when the operating system
refuses a file (the path, the OS's reason, and who ran the command where:
``tracker-flask`` runs as ``tracker`` in the app's folder, so a path that works for
root in their own folder may not work here)."""
from __future__ import annotations

import getpass
import os
from pathlib import Path

import click
from flask_babel import gettext as _


# Set by deploy/tracker-flask (deploy/envfile.py): the folder the admin started the
# command in, while the command itself runs in the app's folder, as the services do.
CALLER_DIR = "TRACKER_CALLER_DIR"


def from_caller(path: str | Path) -> Path:
    """``path`` as the admin meant it: a relative one against the folder tracker-flask
    was started in (TRACKER_CALLER_DIR), when set; otherwise, and absolute, as given."""
    path = Path(path)
    base = os.environ.get(CALLER_DIR)
    if base and not path.is_absolute():
        return Path(base) / path
    return path


class CallerPath(click.Path):
    """``click.Path`` whose relative value is read against the caller's folder (before
    click's own checks); ``-`` (stdout) is left alone."""

    def convert(self, value, param, ctx):
        if isinstance(value, (str, os.PathLike)) and os.fspath(value) != "-":
            value = os.fspath(from_caller(value))
        return super().convert(value, param, ctx)


def os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return None


def file_error(error: OSError, path: str | Path, *, reading: bool = False) -> click.ClickException:
    """A ClickException naming the file (the one the OS named, else ``path``) as the
    command saw it (absolute), the OS's reason, and the user and folder it ran as."""
    name = str(Path(error.filename if error.filename else path).absolute())
    details = {"path": name, "error": error.strerror or str(error),
               "user": os_user() or "?", "cwd": os.getcwd()}
    if isinstance(error, FileNotFoundError):
        return click.ClickException(_("找不到 %(path)s（命令以用户 %(user)s 在 %(cwd)s 中运行）。",
                                      **details))
    if reading:
        return click.ClickException(_("无法读取 %(path)s：%(error)s（命令以用户 %(user)s 在 %(cwd)s 中运行）。",
                                      **details))
    return click.ClickException(_("无法写入 %(path)s：%(error)s（命令以用户 %(user)s 在 %(cwd)s 中运行）。",
                                  **details))
