"""Imports every feature's pages (their @template decorators record them) for the app to add."""

from autodevhub.account.ui import account_page  # noqa: F401
from autodevhub.admin.ui import audit_page, instance_page, users_page  # noqa: F401
from autodevhub.auth.ui import login_page  # noqa: F401
from autodevhub.dashboard.ui import home_page, overview_page  # noqa: F401
from autodevhub.documentation.ui import docs_page  # noqa: F401
from autodevhub.notifications.ui import notices_page  # noqa: F401 (its page, and the header bell)
from autodevhub.notifications.ui import settings_page as notification_settings_page  # noqa: F401
from autodevhub.projects.ui import detail_page as project_detail_page  # noqa: F401
from autodevhub.projects.ui import list_page as project_list_page  # noqa: F401
from autodevhub.stories.ui import detail_page as story_detail_page  # noqa: F401
from autodevhub.stories.ui import generator_page  # noqa: F401
from autodevhub.stories.ui import list_page as story_list_page  # noqa: F401
from autodevhub.ui import add_pages
from autodevhub.workflows.ui import workflows_page  # noqa: F401

__all__ = ["add_pages"]
