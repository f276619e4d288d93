"""Reminders: a few useful messages, sent once, never at night, never nagging.

``flask --app wsgi send-reminders`` (every 5 minutes: deploy/tracker-reminders.timer)
runs ``job.run``: it finds what is due (``kinds.py``, over the rules of
``tracker/owed.py``), writes one ``Outbox`` row per recipient and channel under a
unique dedupe key (INSERT … ON CONFLICT DO NOTHING), then claims due rows with a
conditional UPDATE and sends them (``channels.py``) — outside quiet hours, at most
``REMINDER_DAILY_CAP`` messages per member and channel a day (more are bundled into
one), retrying a failed row with exponential backoff until ``REMINDER_MAX_ATTEMPTS`` —
but not one handed over in full with no answer (``reasons.UNCONFIRMED``): a person decides.
"""
