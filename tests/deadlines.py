"""How long a test waits for another process — a command, a server, a racer, a lock —
before it calls it hung. Never a statement about speed (speed is shown by bench/, not
asserted): the test fails on what it checks, and this only stops one that would
otherwise wait for ever.

A guess about the machine's speed is no deadline. On a shared machine saturated by
several engineers' runs (load 20–28 on two cores, docs/testing.md), a step that takes
2 s of CPU on its own — Python started and the app imported (`flask`, gunicorn), a
racer's app built — took well over a minute of wall time: `tracker-flask backup`
passed its 60 s, a `/healthz` of a starting gunicorn its 30 s, and a racer waiting
for SQLite's write lock the app's 15 s busy timeout. What a test asserts did not
change when any of them became this."""
from __future__ import annotations

HUNG_SECONDS = 300
