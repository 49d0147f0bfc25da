"""Imports every feature's pages so their @page decorators register them."""

import reflex as rx


@rx.page(route="/", title="AutoDevHub")
def index() -> rx.Component:
    return rx.heading("AutoDevHub")
