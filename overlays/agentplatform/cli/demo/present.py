"""How the tour looks: rich panels on a terminal, plain text otherwise."""

from __future__ import annotations

import sys
from typing import IO, Protocol

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.syntax import Syntax
from rich.text import Text


class Presenter(Protocol):
    """Shows the tour's title, each step, and the ending."""

    def intro(self, title: str, lines: list[str]) -> None:
        """The tour's title and a few lines about where it runs."""

    def step(self, number: int, total: int, title: str, why: str, code: str) -> None:
        """A step's number, title, one-line explanation and the code about to run."""

    def outro(self, lines: list[str]) -> None:
        """The closing lines."""


class PlainPresenter:
    """Plain text, for logs, pipes and CI."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self._out = out

    def _print(self, text: str = "") -> None:
        print(text, file=self._out or sys.stdout, flush=True)

    def intro(self, title: str, lines: list[str]) -> None:
        self._print(title)
        self._print("=" * len(title))
        for line in lines:
            self._print(line)

    def step(self, number: int, total: int, title: str, why: str, code: str) -> None:
        self._print()
        heading = f"[{number}/{total}] {title}"
        self._print(heading)
        self._print("-" * len(heading))
        self._print(why)
        self._print()
        for line in code.splitlines():
            self._print(f"    {line}".rstrip())
        self._print()

    def outro(self, lines: list[str]) -> None:
        self._print()
        for line in lines:
            self._print(line)


class RichPresenter:
    """Rich panels with highlighted code, for a terminal."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(highlight=False)

    def intro(self, title: str, lines: list[str]) -> None:
        body = Text("\n".join(lines))
        self._console.print(Panel(body, title=Text(title, style="bold"), border_style="cyan"))

    def step(self, number: int, total: int, title: str, why: str, code: str) -> None:
        self._console.print()
        self._console.print(Rule(Text(f"Step {number}/{total} · {title}", style="bold cyan")))
        self._console.print(Text(why, style="italic"))
        self._console.print(
            Panel(Syntax(code, "python", theme="ansi_dark", word_wrap=True), border_style="dim")
        )

    def outro(self, lines: list[str]) -> None:
        self._console.print()
        self._console.print(
            Panel(Text("\n".join(lines)), title=Text("Done", style="bold"), border_style="green")
        )
