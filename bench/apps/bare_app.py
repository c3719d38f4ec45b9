"""The reference of targets 1, 2 and 4: a bare Textual app that shows one static line.

    python bench/apps/bare_app.py            # in a terminal: shows the line until Ctrl+Q
"""

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

READY = "BARE-APP-READY 一行静态文字"


class BareApp(App[None]):
    """One static line (``with_input``: and an Input below it, for the typing reference)."""

    def __init__(self, with_input: bool = False) -> None:
        super().__init__()
        self.with_input = with_input

    def compose(self) -> ComposeResult:
        yield Static(READY)
        if self.with_input:
            yield Input(id="box")


if __name__ == "__main__":
    BareApp().run()
