"""The app shell and the components every feature page shares."""

from autodevhub.ui.components import (
    confirm_dialog,
    data_table,
    empty_state,
    icon_badge,
    link_button,
    page_header,
    steps_list,
)
from autodevhub.ui.navigation import SECTIONS, Section
from autodevhub.ui.template import add_pages, registered_pages, template

__all__ = [
    "SECTIONS",
    "Section",
    "add_pages",
    "confirm_dialog",
    "data_table",
    "empty_state",
    "icon_badge",
    "link_button",
    "page_header",
    "registered_pages",
    "steps_list",
    "template",
]
