"""WSGI entry point: `flask --app wsgi run`, or gunicorn/waitress `wsgi:app`."""
from tracker import create_app

app = create_app()
