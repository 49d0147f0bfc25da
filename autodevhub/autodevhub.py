"""The Reflex app: the API (which registers every feature) and security headers in front, state reset when a
tab's sign-in changes, every page once."""

import reflex as rx

from autodevhub import pages
from autodevhub.core.jobs import scheduler_lifespan
from autodevhub.core.security_headers import with_security_headers
from autodevhub.ui.identity_reset import ResetOnIdentityChange
from autodevhub.web.announce import announce_public_url
from autodevhub.web.api import create_api

app = rx.App(api_transformer=[create_api(), with_security_headers])
app.register_lifespan_task(announce_public_url)
app.register_lifespan_task(scheduler_lifespan)  # without Redis, the periodic GitHub sync runs in the app
app.add_middleware(ResetOnIdentityChange())  # a new sign-in in a tab never sees the last one's state
pages.add_pages(app)
