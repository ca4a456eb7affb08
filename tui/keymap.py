"""Remapped keys from the user's keymap file: ``keymap.toml`` in labops' config directory.

    [keys]
    "app.schedule" = "f2"
    "schedule.confirm" = "C"        # binding ids are shown by the command palette's help

A key is a Textual key name ("f2", "ctrl+k", "C"); several keys are separated by commas.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import platformdirs

FILE_NAME = "keymap.toml"


def default_keymap_path() -> Path:
    return Path(platformdirs.user_config_dir("labops", appauthor=False)) / FILE_NAME


def load_keymap(path: Path) -> tuple[dict[str, str], list[str]]:
    """The keymap in ``path`` (empty when there is none) and the problems found in it."""
    if not path.is_file():
        return {}, []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{path}: not read ({exc})"]
    keys = document.get("keys", {})
    if not isinstance(keys, dict):
        return {}, [f'{path}: [keys] must be a table of binding id = "key"']
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, key in keys.items():
        if isinstance(key, str) and key.strip():
            keymap[binding_id] = key.strip()
        else:
            problems.append(f'{path}: {binding_id}: a key is text like "f2" or "ctrl+k"')
    return keymap, problems
