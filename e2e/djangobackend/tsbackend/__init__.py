"""A minimal Django + DRF + SimpleJWT + django-cors-headers project.

Everything is configured from TS_* environment variables (see settings.py) so
that Go tests and the vector generator can vary it per run.
"""

import os
import sys


def setup():
    """Point Django at these settings and initialise the app registry.

    Shared by server.py and by scripts that mint tokens with the real SimpleJWT
    classes, so both read exactly the same configuration.
    """
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if here not in sys.path:
        sys.path.insert(0, here)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsbackend.settings"
    import django

    django.setup()
