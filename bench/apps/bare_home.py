"""A second reference for start: a bare Textual app that shows what the home screen shows —
a title line, a bordered list of seven lines with counts, two more lines and a footer of
keys — with none of the program's code (no command line, config, lock, log or database).

    python bench/apps/bare_home.py           # in a terminal: shows the screen until Ctrl+Q

The program's start divided by this one's is what the program itself adds; this one
divided by the one-line bare app (bare_app.py) is what the screen's widgets cost Textual.
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

READY = "BARE-HOME-READY"
LINES = ("会议纪要", "执法人员", "委托事项", "培训", "听证", "服务事项", "年度报告")
CSS = """
#kinds { height: auto; max-height: 12; margin: 0 1; border: round $primary 50%; }
#kinds:focus { border: round $accent; }
.section-title { margin: 1 1 0 1; text-style: bold; }
#home-hint { margin: 1 2; color: $text-muted; }
"""


class BareHome(App[None]):
    CSS = CSS
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", priority=True),
        Binding("f1", "help", "帮助", key_display="F1"),
        Binding("1", "noop", "台账", key_display="1-7"),
        *(Binding(str(i), "noop", f"第{i}类", show=False) for i in range(2, 8)),
        Binding("c", "noop", "核对清单"),
        Binding("e", "noop", "交换"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(f"{READY} · 示范镇 (640302100)", id="title-bar")
        yield Static("台账", classes="section-title")
        yield OptionList(
            *(Option(f"{i}  {name:<10}  {1000 * i} 条  任务{i}", id=f"k{i}") for i, name in enumerate(LINES, start=1)),
            id="kinds",
        )
        yield Static("核对清单", classes="section-title")
        yield Static("…", id="home-checklist")
        yield Static("按数字键打开台账", id="home-hint")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#kinds", OptionList).focus()

    def action_noop(self) -> None:
        pass


if __name__ == "__main__":
    BareHome().run()
