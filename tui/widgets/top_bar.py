"""The top line: the screens this user has, with their keys (as remapped), and who is acting.

The screen keys live here rather than in the footer, which keeps the footer for the current
screen's own actions.
"""

from __future__ import annotations

from typing import Protocol, cast

from rich.text import Text
from textual.widgets import Static


class HasScreens(Protocol):
    title: str

    def screen_list(self) -> list[tuple[str, str, str]]: ...


class TopBar(Static):
    DEFAULT_CSS = """
    TopBar { dock: top; height: 1; background: $panel; }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def on_mount(self) -> None:
        self.update(self.bar_text())

    def bar_text(self) -> Text:
        app = self.app
        keys: dict[str, str] = {}
        for key, active in app.active_bindings.items():
            binding = active.binding
            if binding.id and binding.id.startswith("app."):
                name = binding.id.removeprefix("app.")
                keys.setdefault(name, app.get_key_display(binding) or key)
        screens = cast(HasScreens, app)
        line = Text(no_wrap=True, overflow="ellipsis")
        for mode, title, _ in screens.screen_list():
            if mode == self.current:
                line.append(f" {keys.get(mode, '?')} {title} ", style="reverse bold")
            else:
                line.append(f" {keys.get(mode, '?')}", style="bold yellow")
                line.append(f" {title} ")
        line.append(" │ ", style="dim")
        line.append("q", style="bold yellow")
        line.append(" Quit  ")
        line.append("^p", style="bold yellow")
        line.append(" Commands", style="")
        line.append(" │ ", style="dim")
        line.append(screens.title, style="dim")
        return line
