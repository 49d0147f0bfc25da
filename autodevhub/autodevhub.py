"""The Reflex app: the API and security headers in front, pages registered by import."""

import reflex as rx

from autodevhub import pages  # noqa: F401  (registers every page)
from autodevhub.api import create_api
from autodevhub.security import with_security_headers

app = rx.App(api_transformer=[create_api(), with_security_headers])
