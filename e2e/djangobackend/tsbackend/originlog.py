"""Log the Origin header of every request to stdout, one line each:

    ORIGIN <method> <path> <origin or ->

It sits first in MIDDLEWARE, before CorsMiddleware (which answers preflights
itself), so the tests see the OPTIONS preflight and the request it allows.
"""

import sys


def origin_log(get_response):
    def middleware(request):
        origin = request.META.get("HTTP_ORIGIN") or "-"
        sys.stdout.write("ORIGIN %s %s %s\n" % (request.method, request.path, origin))
        sys.stdout.flush()
        return get_response(request)

    return middleware
