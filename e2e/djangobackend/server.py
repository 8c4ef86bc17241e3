#!/usr/bin/python3
"""Run the tokenscope test backend: Django + DRF + SimpleJWT + cors-headers.

    TS_PORT=8000 /usr/bin/python3 e2e/djangobackend/server.py

Configuration is by environment variable only (see tsbackend/settings.py).
TS_PORT=0 (the default) binds a free port. On start it migrates the sqlite DB
at TS_DB, creates the users alice/wonderland (active) and bob/builder
(inactive), binds 127.0.0.1, and then prints exactly one line to stdout:

    READY http://127.0.0.1:<port>

With TS_EXIT_ON_STDIN_EOF=1 it exits when stdin closes, so a test harness that
dies without cleaning up does not leave the server running.
"""

import os
import sys
import threading

from tsbackend import setup

USERS = (("alice", "wonderland", True), ("bob", "builder", False))


def migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def create_users():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for name, password, active in USERS:
        user, _ = User.objects.get_or_create(username=name)
        user.set_password(password)
        user.is_active = active
        user.save()


def make_server(port):
    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
    )
    from django.core.wsgi import get_wsgi_application

    # The socket is bound and listening once the constructor returns, so
    # READY can be printed before serve_forever without a race.
    httpd = ThreadedWSGIServer(("127.0.0.1", port), WSGIRequestHandler)
    httpd.set_app(get_wsgi_application())
    return httpd


def exit_on_stdin_eof():
    def watch():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    setup()
    migrate()
    create_users()
    httpd = make_server(int(os.environ.get("TS_PORT") or 0))
    if os.environ.get("TS_EXIT_ON_STDIN_EOF") == "1":
        exit_on_stdin_eof()
    print("READY http://127.0.0.1:%d" % httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
