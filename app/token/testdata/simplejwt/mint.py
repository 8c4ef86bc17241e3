#!/usr/bin/python3
"""Record SimpleJWT test vectors from the real backend (e2e/djangobackend).

Regenerate from the repository root (Debian's python3-django,
python3-djangorestframework-simplejwt and python3-django-cors-headers must be
installed for /usr/bin/python3):

    /usr/bin/python3 app/token/testdata/simplejwt/mint.py

This overwrites vectors.json next to this script; `-o -` prints to stdout
instead, `-o PATH` writes elsewhere. Every token and jti changes on each run.

How the vectors are made:
- Everything a client can get over HTTP is recorded over HTTP (urllib) from
  e2e/djangobackend/server.py, each server on a free loopback port with its
  own temp sqlite DB: login and refresh responses, the tokens in them, and the
  raw bodies of the error responses.
- Tokens the HTTP API cannot give (expired, iat in the future, signed with
  another key, HS512, access-typed with a refresh lifetime, claims removed)
  are minted with the real SimpleJWT classes in a child process
  (`mint.py --mint`) that loads the same Django settings, configured by the
  same TS_* variables, against the running server's DB. They are then sent to
  that server so their error responses are real too.
- "minted_at" is the "now" of the vectors: taken after the server-issued
  tokens exist (so none has an iat after it) and used as the base time of
  every minted token. "expired_at_minted" means exp <= minted_at, as PyJWT
  and SimpleJWT count it (LEEWAY 0).
- Every server uses the same SECRET_KEY, recorded as "secret_key", so all
  tokens except wrong_key verify with it (HS512 with it too).
"""

import argparse
import base64
import importlib.metadata
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
BACKEND_DIR = REPO / "e2e" / "djangobackend"
PYTHON = "/usr/bin/python3"

SECRET_KEY = "tokenscope-simplejwt-vectors-secret-key-not-for-production"
OTHER_KEY = "a-different-signing-key-the-backend-does-not-know"
ACCESS_SECONDS = 300  # SimpleJWT defaults, so the vectors look like most projects
REFRESH_SECONDS = 86400
HOUR = 3600

# Response headers worth keeping: the ones a diagnosis can use.
KEPT_HEADERS = ("Content-Type", "WWW-Authenticate", "Allow", "Location")


# --- the backend -----------------------------------------------------------


class Backend:
    """One server.py process with its own temp DB, stopped on exit."""

    def __init__(self, name, **ts_env):
        self.name = name
        self.ts_env = ts_env

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="simplejwt-mint-")
        self.env = backend_env(
            TS_DB=os.path.join(self.tmp, "db.sqlite3"), **self.ts_env
        )
        self.log = open(os.path.join(self.tmp, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [PYTHON, str(BACKEND_DIR / "server.py")],
            env=dict(self.env, TS_PORT="0", TS_EXIT_ON_STDIN_EOF="1"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.url = self._wait_ready(60)
        return self

    def _wait_ready(self, timeout):
        # A reader thread, so a server that hangs before READY cannot hang us.
        lines = queue.Queue()

        def read():
            for line in self.proc.stdout:
                lines.put(line)

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if line.startswith("READY "):
                return line.split()[1]
        self.log.seek(0)
        raise SystemExit("backend %s did not start:\n%s" % (self.name, self.log.read()))

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def request(self, path, body=None, content_type=None, method="POST"):
        return http_request(self.url + path, body, content_type, method)

    def post_json(self, path, value):
        return self.request(path, json.dumps(value).encode(), "application/json")

    def mint(self, specs, **ts_env):
        """Mint tokens with the SimpleJWT classes against this server's DB."""
        env = dict(self.env, **ts_env)
        out = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), "--mint"],
            input=json.dumps(specs),
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit("minting failed:\n" + out.stderr)
        return json.loads(out.stdout)


def backend_env(**ts_env):
    """os.environ without anything that could redirect /usr/bin/python3 or
    Django, plus the TS_* settings shared by every server."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONHOME", "PYTHONPATH", "DJANGO_SETTINGS_MODULE")
        and not k.startswith("TS_")
    }
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    env.update(
        TS_SECRET_KEY=SECRET_KEY,
        TS_ACCESS_SECONDS=str(ACCESS_SECONDS),
        TS_REFRESH_SECONDS=str(REFRESH_SECONDS),
    )
    env.update(ts_env)
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Record redirects as they are instead of following them.
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_request(url, body, content_type, method):
    req = urllib.request.Request(url, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        resp = _OPENER.open(req, timeout=30)
    except urllib.error.HTTPError as err:
        resp = err
    with resp:
        raw = resp.read().decode("utf-8")
        headers = {h: resp.headers[h] for h in KEPT_HEADERS if h in resp.headers}
        return {"status": resp.status, "body": raw, "headers": headers}


# --- minting in a child process ----------------------------------------------


def mint_child():
    """`mint.py --mint`: read specs as JSON on stdin, print tokens as JSON.

    Runs in its own process because Django settings (signing key, algorithm)
    are fixed per process.
    """
    sys.path.insert(0, str(BACKEND_DIR))
    from tsbackend import setup

    setup()
    json.dump([mint_one(spec) for spec in json.load(sys.stdin)], sys.stdout)


def mint_one(spec):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
    from rest_framework_simplejwt.utils import datetime_from_epoch

    cls = {"access": AccessToken, "refresh": RefreshToken}[spec["type"]]
    if "user" in spec:
        token = cls.for_user(get_user_model().objects.get(username=spec["user"]))
    else:  # a user id with no user behind it
        token = cls()
        token["user_id"] = spec["user_id"]
    iat = datetime_from_epoch(spec["iat"])
    token.set_iat(at_time=iat)
    token.set_exp(from_time=iat, lifetime=timedelta(seconds=spec["lifetime"]))
    for claim in spec.get("drop", ()):
        del token[claim]
    return str(token)


# --- vectors -----------------------------------------------------------------


def jwt_part(token, i):
    seg = token.split(".")[i]
    return json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))


def token_vector(name, description, token, now, source, **expect):
    """A token plus what a decoder should find in it at minted_at."""
    claims = jwt_part(token, 1)
    exp = claims.get("exp")
    facts = {
        "token_type": claims.get("token_type"),
        "expired_at_minted": exp is not None and exp <= now,
        "alg": jwt_part(token, 0)["alg"],
        "user_id": claims.get("user_id"),
        "iat": claims.get("iat"),
        "exp": exp,
        "signed_with_secret_key": True,
        "source": source,
    }
    facts.update(expect)
    return {"name": name, "description": description, "kind": "token", "token": token, "expect": facts}


def response_vector(name, description, kind, request, resp, token=None, **expect):
    vec = {"name": name, "description": description, "kind": kind}
    if token is not None:
        vec["token"] = token
    vec.update(request=request, status=resp["status"], headers=resp["headers"], body=resp["body"])
    vec["expect"] = expect
    return vec


def refresh_request(token):
    return {"method": "POST", "path": "/api/token/refresh/", "content_type": "application/json",
            "body": json.dumps({"refresh": token})}


def login_request(user, password):
    return {"method": "POST", "path": "/api/token/", "content_type": "application/json",
            "body": json.dumps({"username": user, "password": password})}


def send(server, req):
    body = None if req["body"] is None else req["body"].encode()
    return server.request(req["path"], body, req["content_type"], req["method"])


def login(server, out, name, description):
    """Log alice in, record the response, return the token pair."""
    req = login_request("alice", "wonderland")
    resp = send(server, req)
    assert resp["status"] == 200, resp
    out.append(response_vector(name, description, "login_response", req, resp,
                               fields=list(json.loads(resp["body"]))))
    return json.loads(resp["body"])


def refresh(server, out, name, description, token, **expect):
    """POST a refresh, record it, return the parsed body."""
    req = refresh_request(token)
    resp = send(server, req)
    kind = "refresh_response" if resp["status"] == 200 else "error_response"
    out.append(response_vector(name, description, kind, req, resp, token=token, **expect))
    return json.loads(resp["body"]) if resp["status"] == 200 else None


def raw_request(server, out, name, description, req, **expect):
    out.append(response_vector(name, description, "error_response", req, send(server, req), **expect))


def token_error(detail, cause):
    return {"code": "token_not_valid", "detail": detail, "cause": cause}


# --- the scenarios -------------------------------------------------------------


def plain_http(server, out, tokens):
    """Server A (no rotation): everything reachable with server-issued tokens."""
    pair = login(server, out, "login_response",
                 "POST /api/token/ as alice: the pair a NextAuth authorize() receives.")
    tokens["login"] = pair
    body = refresh(server, out, "refresh_response",
                   "Refresh without rotation: only a new access token comes back.",
                   pair["refresh"], fields=["access"], rotated=False)
    tokens["access_from_refresh"] = body["access"]
    form = {"method": "POST", "path": "/api/token/refresh/",
            "content_type": "application/x-www-form-urlencoded",
            "body": "refresh=" + pair["refresh"]}
    resp = send(server, form)
    out.append(response_vector(
        "refresh_response_form_encoded",
        "DRF also parses form bodies: a form-encoded refresh succeeds (only other "
        "content types get 415).", "refresh_response", form, resp,
        token=pair["refresh"], fields=["access"], rotated=False))
    http_errors(server, out, pair)


def http_errors(server, out, pair):
    refresh(server, out, "error_response_garbage",
            "A garbage refresh value: the side-effect-free probe. Proves endpoint, "
            "method, body format (and CORS in a browser).", "garbage",
            **token_error("Token is invalid or expired", "malformed"))
    refresh(server, out, "error_response_wrong_type",
            "The (unexpired) access token sent as the refresh token.", pair["access"],
            **token_error("Token has wrong type", "wrong_type"))
    for name, body, cause, detail in (
        ("error_response_missing_field", {}, "missing_field", "This field is required."),
        ("error_response_blank_field", {"refresh": ""}, "blank_field", "This field may not be blank."),
        ("error_response_null_field", {"refresh": None}, "null_field", "This field may not be null."),
    ):
        req = dict(refresh_request(""), body=json.dumps(body))
        raw_request(server, out, name, "Refresh body %s." % req["body"], req,
                    cause=cause, field_errors={"refresh": [detail]})
    raw_request(server, out, "error_response_wrong_content_type",
                "JSON body sent as text/plain (what fetch sends for a string body "
                "without a Content-Type header).",
                dict(refresh_request(pair["refresh"]), content_type="text/plain;charset=UTF-8"),
                cause="unsupported_media_type")
    raw_request(server, out, "error_response_wrong_path",
                "POST /token/refresh/ (no /api prefix), DEBUG=False: Django's HTML 404.",
                dict(refresh_request("garbage"), path="/token/refresh/"), cause="not_found")
    raw_request(server, out, "error_response_no_trailing_slash",
                "POST /api/token/refresh without the slash, DEBUG=False: CommonMiddleware "
                "answers 301 to the slash URL; a client following it turns the POST into a GET.",
                dict(refresh_request("garbage"), path="/api/token/refresh"),
                cause="missing_trailing_slash")
    raw_request(server, out, "error_response_wrong_method",
                "GET on the refresh endpoint.",
                {"method": "GET", "path": "/api/token/refresh/", "content_type": None, "body": None},
                cause="method_not_allowed")
    login_errors(server, out)


def login_errors(server, out):
    detail = "No active account found with the given credentials"
    for name, user, password, cause in (
        ("error_response_login_wrong_password", "alice", "not-the-password", "bad_credentials"),
        ("error_response_login_inactive", "bob", "builder", "inactive_user"),
    ):
        raw_request(server, out, name, "POST /api/token/ as %s/%s." % (user, password),
                    login_request(user, password), detail=detail, cause=cause)


def rotating_http(out):
    """Server B: ROTATE_REFRESH_TOKENS without the blacklist app."""
    with Backend("rotating", TS_ROTATE="1") as server:
        pair = login(server, out, "login_response_rotating", "Login on a rotating server.")
        refresh(server, out, "refresh_response_rotating",
                "Rotation: access and a new refresh come back.", pair["refresh"],
                fields=["access", "refresh"], rotated=True)
        refresh(server, out, "refresh_response_rotating_reuse_without_blacklist",
                "Without the blacklist app the old refresh token keeps working after rotation.",
                pair["refresh"], fields=["access", "refresh"], rotated=True)


def blacklist_http(out):
    """Server C: rotation + BLACKLIST_AFTER_ROTATION with the blacklist app."""
    with Backend("blacklist", TS_ROTATE="1", TS_BLACKLIST="1") as server:
        pair = login(server, out, "login_response_blacklist", "Login on a rotate+blacklist server.")
        refresh(server, out, "refresh_response_rotating_blacklist",
                "First refresh with rotation + blacklisting: succeeds and blacklists the old token.",
                pair["refresh"], fields=["access", "refresh"], rotated=True)
        refresh(server, out, "error_response_blacklisted",
                "The old refresh token reused after rotation (or a second racing refresh).",
                pair["refresh"], **token_error("Token is blacklisted", "blacklisted"))
        req = {"method": "POST", "path": "/api/token/verify/", "content_type": "application/json",
               "body": json.dumps({"token": pair["refresh"]})}
        raw_request(server, out, "error_response_verify_blacklisted",
                    "The blacklisted token sent to /api/token/verify/: a 400, not a 401.",
                    req, cause="blacklisted")


def debug_http(out):
    """Server D: DEBUG=True, as most local development backends run."""
    with Backend("debug", TS_DEBUG="1") as server:
        raw_request(server, out, "error_response_wrong_path_debug",
                    "POST /token/refresh/ with DEBUG=True: the technical 404 page listing the URL patterns.",
                    dict(refresh_request("garbage"), path="/token/refresh/"), cause="not_found")
        req = dict(refresh_request("garbage"), path="/api/token/refresh")
        resp = send(server, req)
        # The debug 500 page (64 kB) embeds the whole process environment:
        # keep only the lines with the exception's name and message.
        resp["body"] = debug_500_excerpt(resp["body"])
        vec = response_vector(
            "error_response_no_trailing_slash_debug",
            "POST /api/token/refresh without the slash, DEBUG=True: CommonMiddleware raises "
            "RuntimeError, a 500 HTML page. Body cut to its <h1> and exception_value lines.",
            "error_response", req, resp, cause="missing_trailing_slash")
        vec["body_truncated"] = True
        out.append(vec)


def debug_500_excerpt(html):
    lines = html.splitlines()
    start = next(i for i, line in enumerate(lines) if "<h1>" in line)
    end = next(i for i, line in enumerate(lines) if 'class="exception_value"' in line)
    return "\n".join(lines[start:end + 1])


def mint_specs(now):
    """What to mint with the SimpleJWT classes, by signing setup."""
    day, access = REFRESH_SECONDS, ACCESS_SECONDS
    default = {
        "access_expired": {"type": "access", "user": "alice", "iat": now - HOUR, "lifetime": access},
        "refresh_expired": {"type": "refresh", "user": "alice", "iat": now - 2 * day, "lifetime": day},
        "refresh_future_iat": {"type": "refresh", "user": "alice", "iat": now + HOUR, "lifetime": day},
        "refresh_user_id": {"type": "refresh", "user": "alice", "iat": now, "lifetime": day},
        "refresh_issued_hours_ago": {"type": "refresh", "user": "alice", "iat": now - 6 * HOUR,
                                     "lifetime": day},
        "refresh_inactive_user": {"type": "refresh", "user": "bob", "iat": now, "lifetime": day},
        "refresh_unknown_user": {"type": "refresh", "user_id": 999, "iat": now, "lifetime": day},
        "access_as_refresh": {"type": "access", "user": "alice", "iat": now, "lifetime": day},
        "refresh_no_exp": {"type": "refresh", "user": "alice", "iat": now, "lifetime": day, "drop": ["exp"]},
        "refresh_no_type": {"type": "refresh", "user": "alice", "iat": now, "lifetime": day,
                            "drop": ["token_type"]},
    }
    wrong_key = {"refresh_wrong_key": {"type": "refresh", "user": "alice", "iat": now, "lifetime": day}}
    hs512 = {"refresh_hs512": {"type": "refresh", "user": "alice", "iat": now, "lifetime": day}}
    return [(default, {}), (wrong_key, {"TS_SIGNING_KEY": OTHER_KEY}), (hs512, {"TS_ALGORITHM": "HS512"})]


MINTED = {
    # name: (description, extra expect, refresh error detail or None for 200, cause)
    "access_expired": ("Access token that expired an hour before minted_at.", {},
                       "Token is invalid or expired", "expired"),
    "refresh_expired": ("Refresh token that expired a day before minted_at.", {},
                        "Token is invalid or expired", "expired"),
    "refresh_future_iat": ("Refresh token issued an hour after minted_at (clock skew); "
                           "PyJWT 2.6 rejects iat in the future.", {},
                           "Token is invalid or expired", "future_iat"),
    "refresh_user_id": ("Refresh token for alice from RefreshToken.for_user.", {}, None, None),
    "refresh_issued_hours_ago": ("Refresh token issued 6 hours before minted_at, still valid. "
                                 "The access token its refresh returns carries this old iat.",
                                 {}, None, None),
    "refresh_inactive_user": ("Refresh token for the inactive user bob: SimpleJWT 5.2.2 "
                              "refreshes it anyway (the user is not looked up).", {}, None, None),
    "refresh_unknown_user": ("Refresh token for user_id 999, which does not exist: 5.2.2 "
                             "refreshes it anyway.", {}, None, None),
    "access_as_refresh": ("Access-typed token with a refresh lifetime (1 day): what a "
                          "session holds when it stored the access token under the refresh name.",
                          {}, "Token has wrong type", "wrong_type"),
    "refresh_no_exp": ("Refresh token with the exp claim removed.", {},
                       "Token has no 'exp' claim", "no_exp"),
    "refresh_no_type": ("Refresh token with the token_type claim removed.", {},
                        "Token has no type", "no_type"),
    "refresh_wrong_key": ("Refresh token signed with a SIGNING_KEY the backend does not have.",
                          {"signed_with_secret_key": False, "signing_key": OTHER_KEY},
                          "Token is invalid or expired", "bad_signature"),
    "refresh_hs512": ("Refresh token signed HS512 with the right key; the backend expects HS256.",
                      {}, "Token is invalid or expired", "algorithm_mismatch"),
}


def minted_vectors(server, out, now):
    for specs, ts_env in mint_specs(now):
        for name, token in zip(specs, server.mint(list(specs.values()), **ts_env)):
            description, expect, detail, cause = MINTED[name]
            out.append(token_vector(name, description, token, now, "simplejwt_classes", **expect))
            if detail is None:
                body = refresh(server, out, "refresh_response_" + name, "Refresh with " + name + ".",
                               token, fields=["access"], rotated=False)
                if name == "refresh_issued_hours_ago":
                    out.append(access_from_old_refresh(body["access"], now))
            else:
                refresh(server, out, "error_response_" + name, "Refresh with " + name + ".",
                        token, **token_error(detail, cause))


def access_from_old_refresh(token, now):
    return token_vector(
        "access_from_old_refresh",
        "Access token returned by refreshing refresh_issued_hours_ago: SimpleJWT 5.2.2 copies "
        "iat from the refresh token (6 hours old) while exp is the refresh time + 5 min, so "
        "exp - iat is not the access lifetime.",
        token, now, "http_refresh", iat_copied_from_refresh=True)


def server_token_vectors(tokens, now):
    pair = tokens["login"]
    return [
        token_vector("access_valid", "Access token from the login response.", pair["access"], now, "http_login"),
        token_vector("refresh_valid", "Refresh token from the login response.", pair["refresh"], now, "http_login"),
        token_vector("access_from_refresh",
                     "Access token from refreshing refresh_valid (no rotation). Its iat is "
                     "copied from the refresh token, not the time of the refresh.",
                     tokens["access_from_refresh"], now, "http_refresh", iat_copied_from_refresh=True),
    ]


def versions():
    v = importlib.metadata.version
    return {
        "simplejwt_version": v("djangorestframework-simplejwt"),
        "django_version": v("Django"),
        "drf_version": v("djangorestframework"),
        "pyjwt_version": v("PyJWT"),
        "django_cors_headers_version": v("django-cors-headers"),
    }


def generate():
    out, tokens = [], {}
    with Backend("plain") as server:
        plain_http(server, out, tokens)
        rotating_http(out)
        blacklist_http(out)
        debug_http(out)
        # Server-issued tokens all exist now, so none has an iat after "now".
        now = int(time.time())
        out[:0] = server_token_vectors(tokens, now)
        minted_vectors(server, out, now)
    doc = {"minted_at": now}
    doc.update(versions())
    doc.update(secret_key=SECRET_KEY, access_lifetime_seconds=ACCESS_SECONDS,
               refresh_lifetime_seconds=REFRESH_SECONDS, vectors=out)
    return doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", default=str(HERE / "vectors.json"),
                        help="output path, or - for stdout")
    parser.add_argument("--mint", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mint:
        return mint_child()
    text = json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text)
        print("wrote %s" % args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
