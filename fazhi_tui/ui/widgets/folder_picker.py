"""Choose a folder: USB sticks the system shows, the last folder used, or a typed path."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import t
from fazhi_tui.base.removable import removable_folders
from fazhi_tui.ui.format import plain

__all__ = ["FolderPicker"]


class FolderPicker(Vertical):
    """Enter on a listed folder puts it in the path field; the path field can be typed."""

    DEFAULT_CSS = """
    FolderPicker { height: auto; }
    FolderPicker OptionList { height: auto; max-height: 6; }
    FolderPicker Input { margin-top: 1; }
    """

    def __init__(self, last: Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.last = last

    def candidates(self) -> list[tuple[Path, str]]:
        found = [(p, t("sync.folder_usb")) for p in removable_folders()]
        if self.last and self.last.is_dir() and all(p != self.last for p, _ in found):
            found.append((self.last, t("sync.folder_last")))
        home = Path.home()
        if all(p != home for p, _ in found):
            found.append((home, t("sync.folder_home")))
        return found

    def compose(self) -> ComposeResult:
        folders = self.candidates()
        yield Label(t("sync.pick_folder"))
        # A stick's name is its owner's choice: plain text, never markup.
        yield OptionList(*(Option(plain(f"{path}   （{what}）"), id=str(path)) for path, what in folders), id="folders")
        first = folders[0][0] if folders else Path.home()
        yield Input(str(first), id="folder-path", placeholder=t("sync.folder_placeholder"), compact=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        box = self.query_one("#folder-path", Input)
        box.value = event.option.id or ""
        box.focus()

    @property
    def path(self) -> Path:
        return Path(self.query_one("#folder-path", Input).value.strip()).expanduser()
