"""Every blueprint with its URL prefix, in one list the factory walks."""
from .admin.routes import bp as admin
from .auth.routes import bp as auth
from .backfill_requests.routes import bp as backfill_requests
from .funds.routes import bp as funds
from .imports.routes import bp as imports
from .invites.routes import bp as invites
from .main.routes import bp as main
from .manage.routes import bp as manage
from .me.routes import bp as me
from .needs.routes import bp as needs
from .onsite.routes import bp as onsite
from .outbox.routes import bp as outbox
from .progress.routes import bp as progress
from .residents.routes import bp as residents
from .reports.routes import bp as reports
from .tasks.routes import bp as tasks

ALL = [
    (main, None),
    (auth, "/auth"),
    (tasks, "/tasks"),
    (manage, "/manage"),  # 工作台: tasks, the review queue, stale work
    (backfill_requests, "/backfill-requests"),  # 补录申请: a member asks, the liaison decides
    (progress, "/progress"),
    (admin, "/admin"),
    (funds, "/funds"),
    (imports, "/imports"),
    (reports, "/reports"),
    (onsite, None),  # /c/<token> and /onsite/...
    (residents, "/residents"),
    (invites, "/invite"),
    (needs, "/needs"),  # 需求清单 / 微心愿: posted by liaisons, claimed by members or units
    (me, "/me"),  # a member's own: reminder settings, 消息, calendar feed
    (outbox, "/outbox"),  # reminders: channel status (admin), work-group robots
]
