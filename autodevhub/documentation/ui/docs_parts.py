"""The Docs page's pieces: the tree, the page (Markdown without raw HTML) and its history."""

from __future__ import annotations

import reflex as rx

from autodevhub.documentation.ui.docs_state import DocsState as S
from autodevhub.documentation.ui.view import PageRow, VersionRow
from autodevhub.ui.pagination import pagination


def fresh_badge(fresh: rx.Var[bool], note: rx.Var[str] | str) -> rx.Component:
    """Green 'Fresh', else orange: 'N commits behind', 'N sources changed' or 'Unknown'."""
    return rx.badge(
        rx.icon(rx.cond(fresh, "circle-check", "clock-alert"), size=12, aria_hidden="true"),
        note,
        color_scheme=rx.cond(fresh, "green", "orange"),
        variant="soft",
        class_name="docs-freshness",
    )


def tree_item(row: PageRow) -> rx.Component:
    return rx.el.li(
        rx.button(
            rx.vstack(
                rx.text(row.title, size="2", weight="medium", trim="both"),
                rx.text(row.path, size="1", color_scheme="gray", trim="both"),
                spacing="1",
                align="start",
                min_width="0",
                flex="1",
                text_align="left",
            ),
            fresh_badge(row.fresh, row.note),
            on_click=S.open_page(row.id),
            variant=rx.cond(S.doc_id == row.id, "soft", "ghost"),
            aria_current=rx.cond(S.doc_id == row.id, "page", "false"),
            justify="between",
            width="100%",
            height="auto",
            padding="0.5rem",
        ),
        list_style="none",
    )


def tree() -> rx.Component:
    """The project's pages, overview first, a page of the list at a time."""
    return rx.card(
        rx.vstack(
            rx.heading("Pages", as_="h2", size="4"),
            rx.el.ul(
                rx.foreach(S.tree, tree_item),
                padding="0",
                margin="0",
                width="100%",
                display="flex",
                flex_direction="column",
                gap="0.25rem",
            ),
            pagination(S, "documentation pages"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def version_item(version: VersionRow) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text("Version ", version.version, " · ", version.generated, " · ", version.engine, size="2"),
            rx.button(
                rx.cond(S.diff_version == version.version, "Hide changes", "Changes since"),
                on_click=S.show_diff(rx.cond(S.diff_version == version.version, 0, version.version)),
                variant="ghost",
                size="1",
            ),
            align="center",
            spacing="3",
        ),
    )


def history() -> rx.Component:
    """The page's earlier versions, newest first."""
    return rx.vstack(
        rx.heading("History", as_="h3", size="3"),
        rx.cond(
            S.versions_total > 0,
            rx.el.ul(rx.foreach(S.versions, version_item), margin="0", padding_left="1.25rem"),
            rx.text("No earlier version: this is the first.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            S.diff != "",
            rx.code_block(S.diff, language="diff", wrap_long_lines=True, width="100%", id="docs-diff"),
        ),
        spacing="2",
        width="100%",
    )


def page_view() -> rx.Component:
    """The open page: freshness, where it lives, its Markdown (raw HTML shown as text) and its history."""
    return rx.card(
        rx.cond(
            S.doc_id != "",
            rx.vstack(
                rx.hstack(
                    rx.heading(S.doc_title, as_="h2", size="5"),
                    fresh_badge(S.doc_freshness == "Fresh", S.doc_freshness),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.text(
                    S.doc_path,
                    " · version ",
                    S.doc_version,
                    " · generated ",
                    S.doc_generated,
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(
                    S.doc_engine != "",
                    rx.text(S.doc_engine, size="2", color_scheme="gray", id="docs-engine-note"),
                ),
                rx.cond(
                    S.doc_stale.length() > 0,
                    rx.text("Changed since: ", S.doc_stale.join(", "), size="2", color_scheme="orange"),
                ),
                rx.box(
                    rx.markdown(S.doc_content, use_raw=False, use_math=False, use_katex=False),
                    class_name="docs-content",
                    width="100%",
                    overflow_x="auto",
                ),
                rx.divider(),
                history(),
                spacing="3",
                width="100%",
                align="start",
            ),
            rx.text("Choose a page to read it.", size="2", color_scheme="gray"),
        ),
        width="100%",
        min_width="0",
    )
