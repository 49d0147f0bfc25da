"""Alembic environment: SQLModel metadata, URL from AutoDevHub settings, batch mode on SQLite."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from autodevhub import models  # noqa: F401  (registers every table)
from autodevhub.core.db import engine_for
from autodevhub.core.settings import settings_or_exit

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return config.attributes.get("url") or settings_or_exit().sqlalchemy_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = engine_for(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
