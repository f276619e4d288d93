"""Running ``flask --app wsgi …`` as a separate process, as an operator would: production
settings, the database given by DATABASE_URL, nothing of the test run's environment."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_flask(url: str, *args: str, env: dict | None = None, input: str | None = None,
              timeout: int = 300) -> subprocess.CompletedProcess:
    full_env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": "flask-cli-test-secret-of-32-characters-or-more",
        "DATABASE_URL": url,
        **(env or {}),
    }
    full_env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, input=input,
    )
