"""Every table of the product; importing this package registers them all on SQLModel.metadata.

Children declare many-to-one relationships to their parents only: the ORM then inserts parents first
within one flush. There are no one-to-many collections, so deletes follow the database's ON DELETE rules.
"""

from autodevhub.models.accounts import ApiToken, SessionKind, User, UserRole, UserSession
from autodevhub.models.audit import AuditLog
from autodevhub.models.base import utcnow
from autodevhub.models.documentation import Documentation, DocumentationVersion
from autodevhub.models.instance import InstanceSetting
from autodevhub.models.notifications import DeliveryStatus, Notice, NotificationChannel, NotificationDelivery
from autodevhub.models.projects import Project, ProjectMember, ProjectRole, RepoTrust
from autodevhub.models.stories import LinkState, LinkTarget, StoryLink, StoryStatus, UserStory
from autodevhub.models.story_results import ScenarioResult, StoryScenarioResult
from autodevhub.models.workflows import RunStatus, Workflow, WorkflowExecution, WorkflowState

__all__ = [
    "ApiToken",
    "AuditLog",
    "DeliveryStatus",
    "Documentation",
    "DocumentationVersion",
    "InstanceSetting",
    "LinkState",
    "LinkTarget",
    "Notice",
    "NotificationChannel",
    "NotificationDelivery",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "RepoTrust",
    "RunStatus",
    "ScenarioResult",
    "SessionKind",
    "StoryLink",
    "StoryScenarioResult",
    "StoryStatus",
    "User",
    "UserRole",
    "UserSession",
    "UserStory",
    "Workflow",
    "WorkflowExecution",
    "WorkflowState",
    "utcnow",
]
