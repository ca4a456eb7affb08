"""``python -m labops_cli``: the command line."""

from labops_cli.main import main

main()
