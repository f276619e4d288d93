"""Every blueprint with its URL prefix, in one list the factory walks."""
from .admin.routes import bp as admin
from .auth.routes import bp as auth
from .main.routes import bp as main
from .review.routes import bp as review
from .tasks.routes import bp as tasks

ALL = [
    (main, None),
    (auth, "/auth"),
    (tasks, "/tasks"),
    (review, "/manage"),
    (admin, "/admin"),
]
