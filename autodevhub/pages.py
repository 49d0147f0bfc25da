"""Imports every feature's pages (their @template decorators record them) for the app to add."""

from autodevhub.account import page as account_page  # noqa: F401
from autodevhub.admin import pages as admin_pages  # noqa: F401
from autodevhub.auth import page as auth_page  # noqa: F401
from autodevhub.dashboard import page as dashboard_page  # noqa: F401
from autodevhub.documentation import page as documentation_page  # noqa: F401
from autodevhub.projects import detail_page as project_detail_page  # noqa: F401
from autodevhub.settings_page import page as settings_page  # noqa: F401
from autodevhub.stories import detail_page as story_detail_page  # noqa: F401
from autodevhub.stories import generator_page as story_generator_page  # noqa: F401
from autodevhub.stories import page as stories_page  # noqa: F401
from autodevhub.ui import add_pages
from autodevhub.workflows import page as workflows_page  # noqa: F401

__all__ = ["add_pages"]
