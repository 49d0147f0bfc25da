"""`python -m autodevhub.cli`, as the single-module cli.py allowed."""

from autodevhub.cli import main

main()
