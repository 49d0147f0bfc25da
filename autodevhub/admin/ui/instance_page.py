"""/admin/settings: the sign-up mode and the GitHub organisations allowed to sign in."""

from __future__ import annotations

import reflex as rx

from autodevhub.admin.ui.instance_state import InstancePolicyState
from autodevhub.admin.ui.users_page import ADMINS_ONLY
from autodevhub.ui import page_header, template
from autodevhub.ui.forms import card_section, feedback, gated, text_field

SIGNUP_CHOICES = (
    ("open", "Open: anyone who reaches this instance can create an account."),
    ("invite", "Invite only: administrators create accounts on the Users page."),
)


def signup_choice(value: str, text: str) -> rx.Component:
    return rx.text(
        rx.flex(rx.radio_group.item(value=value), text, spacing="2", align="start"),
        as_="label",
        size="2",
    )


def settings_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.fieldset(
                rx.el.legend("Sign-up", font_weight="500", margin_bottom="0.5rem"),
                rx.radio_group.root(
                    rx.vstack(*(signup_choice(value, text) for value, text in SIGNUP_CHOICES), spacing="2"),
                    name="signup_mode",
                    default_value=InstancePolicyState.signup_mode,
                ),
                border="none",
                padding="0",
                margin="0",
            ),
            text_field(
                "Allowed GitHub organisations",
                "github_orgs",
                field_id="github-orgs",
                default_value=InstancePolicyState.github_orgs,
                placeholder="acme, acme-labs",
                max_length=2000,
                hint="Comma-separated. Only members of these organisations may sign in with GitHub; "
                "leave empty to allow any GitHub account.",
            ),
            rx.button("Save settings", type="submit"),
            spacing="5",
            width="100%",
        ),
        key=InstancePolicyState.form_key,
        on_submit=InstancePolicyState.save_settings,
        width="100%",
    )


def current_values() -> rx.Component:
    return rx.data_list.root(
        rx.data_list.item(
            rx.data_list.label("Sign-up"),
            rx.data_list.value(
                rx.cond(InstancePolicyState.signup_mode == "open", "Open to anyone", "Invite only")
            ),
        ),
        rx.data_list.item(
            rx.data_list.label("GitHub organisations"),
            rx.data_list.value(
                rx.cond(
                    InstancePolicyState.github_orgs != "",
                    InstancePolicyState.github_orgs,
                    "Any GitHub account",
                )
            ),
        ),
    )


def settings_content() -> rx.Component:
    return rx.vstack(
        feedback(InstancePolicyState.error, InstancePolicyState.notice),
        card_section("Current settings", current_values()),
        card_section("Change settings", settings_form()),
        spacing="4",
        width="100%",
    )


@template(route="/admin/settings", title="Instance settings", on_load=InstancePolicyState.load_settings)
def instance_settings() -> rx.Component:
    """Who may join this instance; the service refuses anyone but admins."""
    return rx.box(
        page_header("Instance settings", "Who may join this AutoDevHub instance, and how."),
        gated(InstancePolicyState.allowed, InstancePolicyState.error, settings_content(), ADMINS_ONLY),
    )
