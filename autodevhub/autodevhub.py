"""The Reflex app: the API and security headers in front, every page added once."""

import reflex as rx

from autodevhub import pages
from autodevhub.api import create_api
from autodevhub.security import with_security_headers

app = rx.App(api_transformer=[create_api(), with_security_headers])
pages.add_pages(app)
