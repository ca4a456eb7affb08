"""The command palette: every screen, and every action of every screen this user has."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widget import Widget


class LabopsCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from tui.app import LabopsApp, screen_class  # the app module imports this one

        app = self.app
        assert isinstance(app, LabopsApp)
        commands: list[tuple[str, Callable[[], object], str]] = [
            (f"Go to {title}", partial(app.action_go, mode), "screen")
            for mode, title, _ in app.screen_list()
        ]
        screen = self.screen
        here = getattr(screen, "MODE", "")
        where = getattr(screen, "TITLE_TEXT", "") or "Screen"
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding, node = active.binding, active.node
            if node is app or not active.enabled or not binding.description:
                continue
            name = f"{where}: {binding.description}"
            if name not in seen:
                seen.add(name)
                display = app.get_key_display(binding) or key
                assert isinstance(node, Widget)  # not the app (skipped): a screen or a widget
                commands.append((name, partial(node.run_action, binding.action), f"key {display}"))
        # Other screens' actions: the command goes there first; that screen then decides
        # whether the action applies (a booking selected, the person's rights).
        for mode, title, _ in app.screen_list():
            if mode == here:
                continue
            for entry in screen_class(mode).BINDINGS:
                if isinstance(entry, Binding) and entry.description and entry.show:
                    name = f"{title}: {entry.description}"
                    if name not in seen:
                        seen.add(name)
                        run = partial(app.run_on, mode, entry.action)
                        commands.append((name, run, f"on the {title} screen"))
        return commands

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
