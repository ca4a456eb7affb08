"""Entry point of the `labops` command (filled in by the foundation work)."""


def main() -> None:
    raise SystemExit("labops: not built yet")
