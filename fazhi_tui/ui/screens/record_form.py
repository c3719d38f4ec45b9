"""The edit form of one record, built from the kind's field list.

Ctrl+S validates (in the domain) and saves (in a worker); on any problem each field shows
its message beside it, nothing is written and everything typed stays. Esc leaves, asking
first when something is unsaved.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from fazhi_tui.base.i18n import choice_label, field_label, kind_label, t
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.dates import DateParseError, parse_date
from fazhi_tui.domain.kinds import CHOICES, Field, Kind
from fazhi_tui.domain.validation import Problem, validate
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.storage.store import RecordNotFound
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from fazhi_tui.ui.widgets.evidence_list import EvidenceList
from fazhi_tui.ui.widgets.footer import key_footer
from fazhi_tui.ui.widgets.multi_picker import MultiPicker
from fazhi_tui.ui.widgets.tick import Tick

__all__ = ["RecordFormScreen"]

# Fields shown only while another holds one of some values (beyond a kind's ``only_if``):
# the reason for the head's attendance, only when it was partial or absent. Changing 部分
# to 全程 hides the reason, and it is not saved (issue 16, point 9).
SHOWN_WHEN: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("meeting", "head_absence_reason"): ("head_attendance", ("partial", "absent")),
}


class RecordFormScreen(Screen[str | None]):
    """Answers with the uuid of the saved record, or None when left without saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True),
        Binding("escape", "leave", "key.back", key_display="Esc"),
        Binding("ctrl+o", "files", "key.files", show=True),
    ]

    def __init__(
        self, kind: Kind, record: dict[str, Any] | None, options: dict[str, list[tuple[str, str]]], *, announce: bool = True
    ) -> None:
        super().__init__(id=f"form-{kind.name}")
        self.announce = announce  # say "saved" in a toast (a list says it in its title instead)
        self.kind = kind
        self.record = record
        self.options = options
        self._initial: dict[str, Any] | None = None
        self._saving = False

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = t("form.edit" if self.record else "form.new", kind=kind_label(self.kind.name))
        yield Static(plain(title), id="title-bar")
        with VerticalScroll(id="form"):
            for f in self.kind.fields:
                with Horizontal(classes="field-row", id=f"row-{f.name}"):
                    mark = " *" if f.required else ""
                    yield Label(field_label(self.kind.name, f.name) + mark, classes="field-label")
                    yield self._widget(f, self._initial_value(f))
                yield Static("", classes="field-error", id=f"err-{f.name}")
            if self.record is not None:  # a saved record's evidence files (a, Enter, Del)
                yield Label(t("files.title"), classes="field-label")
                yield EvidenceList(self.record["uuid"], read_only=self.app.config.hub is not None, id="evidence")
        yield Static("", id="form-status")
        yield key_footer()

    def _initial_value(self, f: Field) -> Any:
        if self.record is not None:
            return self.record.get(f.name)
        return f.default

    def _widget(self, f: Field, value: Any) -> Widget:
        wid = f"f-{f.name}"
        if f.type == "choice":
            options = [(choice_label(f.choices, code), code) for code in CHOICES[f.choices]]
            return Select(
                options,
                prompt=t("form.pick"),
                allow_blank=not f.required,
                value=value if value in CHOICES[f.choices] else Select.NULL,
                type_to_search=True,
                compact=True,
                id=wid,
            )
        if f.type == "ref":
            # Labels are records' words: Text, never markup, no control characters.
            options = [(plain(label, multiline=False), uuid) for label, uuid in self.options.get(f.name, [])]
            known = {uuid for _, uuid in options}
            return Select(
                options,
                prompt=t("form.pick") if options else t("form.none_available", kind=kind_label(f.ref)),
                allow_blank=True,
                value=value if value in known else Select.NULL,
                type_to_search=True,
                compact=True,
                id=wid,
            )
        if f.type == "refs":
            return MultiPicker(self.options.get(f.name, []), list(value or []), id=wid, classes="multi-picker", compact=True)
        if f.type == "bool":
            return Tick("", bool(value), id=wid, compact=True)
        if f.type == "longtext":
            # A stored value from before the rule for text is shown (and saved) clean.
            return TextArea(clean_text(str(value or ""), multiline=True), id=wid, compact=True, classes="long-text", show_line_numbers=False)
        text = "" if value is None else (f"{value:g}" if isinstance(value, float) else clean_text(str(value)))
        placeholder = t("form.date_hint") if f.type == "date" else ""
        return Input(text, placeholder=placeholder, id=wid, compact=True, max_length=f.max_length)

    def on_mount(self) -> None:
        self._apply_only_if()
        self._initial = self.read_raw()
        self.query_one(f"#f-{self.kind.fields[0].name}").focus()

    # -- reading the form --------------------------------------------------------------------

    def read_raw(self) -> dict[str, Any]:
        """What the clerk has typed and picked, field by field (not yet validated)."""
        raw: dict[str, Any] = {}
        for f in self.kind.fields:
            widget = self.query_one(f"#f-{f.name}")
            if (self.kind.name, f.name) in SHOWN_WHEN and not self._applies(f):
                raw[f.name] = ""  # hidden: a reason for an attendance no longer chosen is not kept
                continue
            if isinstance(widget, Select):
                raw[f.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, MultiPicker):
                raw[f.name] = list(widget.selected)
            elif isinstance(widget, Checkbox):
                raw[f.name] = widget.value
            elif isinstance(widget, TextArea):
                raw[f.name] = widget.text
            else:
                raw[f.name] = widget.value
        return raw

    @property
    def is_dirty(self) -> bool:
        return self._initial is not None and self.read_raw() != self._initial

    @on(Input.Blurred)
    def _tidy_date(self, event: Input.Blurred) -> None:
        """Leaving a date field shows the date in its one stored form, so a slip is seen at once."""
        name = (event.input.id or "").removeprefix("f-")
        if name in self.kind.columns and self.kind.field(name).type == "date" and event.value.strip():
            try:
                event.input.value = parse_date(event.value).isoformat()
            except DateParseError:
                pass  # left as typed; saving will say what is wrong

    # -- fields that apply only to some records ------------------------------------------------

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _select_changed(self, event: Select.Changed | Checkbox.Changed) -> None:
        self._apply_only_if()

    def _applies(self, f: Field) -> bool:
        """Whether a field applies, from what the form holds now (a field that does not is
        hidden, and its old value is not saved)."""
        if f.only_if:
            controlling = self.query_one(f"#f-{f.only_if[0]}").value  # a Select or a Tick
            if controlling is Select.NULL or controlling != f.only_if[1]:
                return False
        shown_when = SHOWN_WHEN.get((self.kind.name, f.name))
        if shown_when:
            controlling = self.query_one(f"#f-{shown_when[0]}").value
            return controlling in shown_when[1]
        return True

    def _apply_only_if(self) -> None:
        for f in self.kind.fields:
            if f.only_if or (self.kind.name, f.name) in SHOWN_WHEN:
                applies = self._applies(f)
                self.query_one(f"#row-{f.name}").display = applies
                if not applies:
                    self._show_problem(f.name, None)

    # -- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self.query_one("#form-status", Static).update("")
        self._validate_and_save(self.read_raw())

    @work(thread=True, exclusive=True, group="form-save")
    def _validate_and_save(self, raw: dict[str, Any]) -> None:
        app = self.app
        record_uuid = self.record["uuid"] if self.record else None
        try:
            result = validate(self.kind, raw, today=app.today, lookup=app.store, uuid=record_uuid, limits=app.limits)
            if not result.ok:
                app.call_from_thread(self._show_problems, result.problems)
                return
            if record_uuid is None:
                record_uuid = app.store.insert(self.kind, result.values, app.actor)
            else:
                app.store.update(self.kind, record_uuid, result.values, app.actor)
        except RecordNotFound:
            app.call_from_thread(self._save_failed, t("err.not_found"))
            return
        except DatabaseError as exc:
            app.call_from_thread(self._save_failed, app.db_error_text(exc))
            return
        app.call_from_thread(self._saved, record_uuid)

    def _show_problem(self, name: str, problem: Problem | None) -> None:
        label = self.query_one(f"#err-{name}", Static)
        label.update(plain(t(problem.key, **problem.params)) if problem else "")  # it may quote what was typed
        label.display = problem is not None
        self.query_one(f"#row-{name}").set_class(problem is not None, "-invalid")

    def _show_problems(self, problems: dict[str, Problem]) -> None:
        self._saving = False
        for f in self.kind.fields:
            self._show_problem(f.name, problems.get(f.name))
        status = self.query_one("#form-status", Static)
        status.update(t("err.form_has_errors", count=len(problems)))
        status.set_class(True, "-error")
        first = next(f.name for f in self.kind.fields if f.name in problems)
        self.query_one(f"#f-{first}").focus()

    def _save_failed(self, message: str) -> None:
        self._saving = False
        status = self.query_one("#form-status", Static)
        status.update(plain(message))
        status.set_class(True, "-error")

    def _saved(self, record_uuid: str) -> None:
        self._saving = False
        self._initial = self.read_raw()
        if self.announce:
            self.app.notify(t("form.saved"), timeout=2)
        self.dismiss(record_uuid)

    # -- leaving -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.record is not None if action == "files" else True  # a new record has no files yet

    def action_files(self) -> None:
        if self.record is not None:
            self.query_one(EvidenceList).focus()

    def action_leave(self) -> None:
        if not self.is_dirty:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.confirm_leave")), answered)
