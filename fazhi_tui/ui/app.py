"""The Textual application: start-up, the screen stack and the keys that work everywhere."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from fazhi_tui.base.config import Config, ConfigError, load_config
from fazhi_tui.base.i18n import set_language, t
from fazhi_tui.base.paths import Home
from fazhi_tui.base.text import clean_text, visible
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.database import DatabaseCorrupt, DatabaseError, DatabaseTooNew, upgrade_pending
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.ui.helpers import translate_keys, translate_textual_widgets

if TYPE_CHECKING:  # the checklist engine and validation are imported when first used, not at start
    from fazhi_tui.domain.checklist import RuleResult
    from fazhi_tui.domain.validation import Limits
    from fazhi_tui.services.checklist import ActiveRules

__all__ = ["FazhiApp"]


def _pending(message: object) -> bool:
    """A message that is work still to do (a timer's tick is not: it may come forever)."""
    return message is not None and not isinstance(message, events.Timer | events.Idle)

log = logging.getLogger(__name__)

KEY_HOLD_STEP = 0.002  # seconds between looks at whether a held key may go on
KEY_HOLD_LIMIT = 2.0  # a held key goes on after this long even if the screen is still busy
# Workers after which another screen comes to the front (a form opens, a saved form closes):
# keys typed meanwhile are meant for that screen, so they wait for it.
SCREEN_CHANGING_WORKERS = frozenset({"list-form", "evidence-open", "form-save"})
# The stylesheet in two: app.tcss (CSS_PATH) holds what the first screen drawn needs (the
# loading line, the home screen) and is parsed at start; screens.tcss holds every other
# screen's rules, parsed once the home screen is drawn or when another screen opens first
# (~4 ms of CPU less before the home screen's first frame, issue 20).
SCREENS_CSS = Path(__file__).with_name("screens.tcss")


class FazhiApp(App[int]):
    """One office's program. ``today`` and ``clock`` are fixed by tests; otherwise real time."""

    CSS_PATH = "app.tcss"
    TITLE = "fazhi-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "key.quit", priority=True),
        Binding("f1", "help", "key.help", key_display="F1"),
        # a field being typed in takes Ctrl+Z (and u) first: undo of its own text
        Binding("ctrl+z", "undo", "key.undo", key_display="^z", show=False),
    ]

    def __init__(self, home: Home, *, today: dt.date | None = None, clock: Callable[[], str] | None = None) -> None:
        self._started = time.perf_counter()
        super().__init__()
        self.home = home
        self._today = today
        self._clock = clock
        self.config: Config | None = None
        self.store: Store | None = None
        self.fatal_message: str | None = None
        self._lock = None  # the home's lock (base/lock.py), held from start to quit
        # Records tombstoned from the lists this session, newest last: (kind name, uuid,
        # label). Undo (u in a list or on the home screen, Ctrl+Z anywhere) restores the
        # newest, whichever list the clerk is in (issue 16, point 7).
        self.deleted: list[tuple[str, str, str]] = []
        self._held_keys: deque[events.Key] = deque()  # keys typed ahead, waiting their turn
        self._held_since = 0.0
        self._key_released: events.Key | None = None
        self._key_in_flight: events.Key | None = None  # the last key handed on, and whether it
        self._key_landed = False  # has reached the app's own bindings (the end of its way)
        self._screens_css = False  # screens.tcss read (load_screens_css)
        self._start: Screen | Callable[[], None] | None = None  # what get_default_screen found
        translate_keys(self)
        translate_textual_widgets()

    # -- key labels in the user's language -------------------------------------------------

    def use_language(self, language: str) -> None:
        """Speak ``language`` from now on: new words everywhere, and the key labels of the
        app and of every screen on the stack put into words again (the footer follows)."""
        set_language(language)
        translate_keys(self)
        translate_textual_widgets()
        for screen in self.screen_stack:
            translate_keys(screen)
        self.title = t("app.title")
        if self.config is not None:
            self.sub_title = visible(t("app.subtitle", name=self.config.office_name, code=self.config.office_code))
        self.refresh_bindings()

    def push_screen(self, screen, *args, **kwargs):
        self._before_front(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self._before_front(screen)
        return super().switch_screen(screen)

    def _before_front(self, screen) -> None:
        """Before a screen comes to the front: its keys in words, and the other screens'
        rules parsed unless it is the home screen (which app.tcss styles)."""
        if not isinstance(screen, str):
            translate_keys(screen)
        if getattr(screen, "needs_screens_css", True):
            self.load_screens_css()

    def load_screens_css(self) -> None:
        """Read and parse screens.tcss (every screen's rules but the home screen's), once.
        The sources parsed before are not parsed again (the stylesheet keeps them), and the
        rules come after app.tcss's, in the order of the one file they were."""
        if self._screens_css:
            return
        self._screens_css = True
        self.stylesheet.read(SCREENS_CSS)
        self.stylesheet.parse()

    # -- facts the screens use -----------------------------------------------------------

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @property
    def actor(self) -> Actor:
        assert self.config is not None
        return Actor(self.config.operator, self.config.township_code)

    @property
    def limits(self) -> Limits:
        from fazhi_tui.domain.validation import Limits

        assert self.config is not None
        return Limits(future_meeting_days=self.config.thresholds.future_meeting_days)

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = True) -> None:
        """Every notification of this program is plain text, whatever the caller asks:
        messages quote records, paths and names of files (see ui/format.py)."""
        super().notify(visible(str(message), multiline=True), title=visible(title), severity=severity, timeout=timeout, markup=False)

    async def on_event(self, event: events.Event) -> None:
        """A paste (from Word, a web page, a chat) arrives clean wherever it goes: no control
        character reaches a field, nor through it the terminal (base/text.py).

        Keys wait their turn (issue 16, point 8). Textual hands a key to the focused widget's
        own queue and goes on to the next key at once; Tab (a binding the key reaches only
        after bubbling back up to the app) or Enter in a field (a Submitted message the screen
        answers by moving focus) moves focus only later. Keys typed ahead faster than that — a
        paste, tmux send-keys, a slow PC — would land in the field being left. So a key that
        arrives while the previous one (or anything it set off) is still being handled is held,
        and the held keys go on one by one, each when the screen is quiet again.
        """
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = clean_text(event.text, multiline=True)
        if isinstance(event, events.Key) and not event.is_forwarded:
            if event is self._key_released:
                self._key_released = None
            elif self._held_keys or not self._quiet(event):
                self._hold_key(event)
                return
            self._key_in_flight, self._key_landed = event, False
        await super().on_event(event)

    # -- type-ahead ----------------------------------------------------------------------

    def _quiet(self, arriving: events.Event | None = None) -> bool:
        """True when the last key went all the way (stopped by a widget, or through the
        app's bindings) and no widget of the screen has a message waiting: whatever the key
        set off (a focus change, a Submitted message, a binding's action) has been handled."""
        flying = self._key_in_flight
        if flying is not None and not flying._stop_propagation and not self._key_landed:
            return False
        if any(_pending(message) and message is not arriving for message in self._message_queue.values):
            return False
        if any(w.group in SCREEN_CHANGING_WORKERS and not w.is_finished for w in self.workers):
            return False
        try:
            screen = self.screen
        except Exception:  # no screen yet
            return True
        return not any(_pending(message) for node in (screen, *screen.walk_children()) for message in node._message_queue.values)

    def _on_key(self, event: events.Key) -> None:
        """A key reached the app: its bindings run next, in this same turn of the app's queue
        (Textual calls ``App._on_key`` after this; a held key cannot slip in between)."""
        if event is self._key_in_flight:
            self._key_landed = True

    def _hold_key(self, event: events.Key) -> None:
        if not self._held_keys:
            self._held_since = time.monotonic()
            self.set_timer(KEY_HOLD_STEP, self._release_key)
        self._held_keys.append(event)

    def _release_key(self) -> None:
        """Send on the first held key once the screen is quiet (or after KEY_HOLD_LIMIT: a
        widget that is never quiet must not swallow the keyboard)."""
        if not self._held_keys:
            return
        if not self._quiet() and time.monotonic() - self._held_since < KEY_HOLD_LIMIT:
            self.set_timer(KEY_HOLD_STEP, self._release_key)
            return
        event = self._held_keys.popleft()
        self._key_released = event
        self.post_message(event)
        if self._held_keys:
            self._held_since = time.monotonic()
            self.set_timer(KEY_HOLD_STEP, self._release_key)

    def db_error_text(self, exc: DatabaseError) -> str:
        """What to tell the clerk about a database problem, with where the backups are
        and the log an IT person can read."""
        from fazhi_tui.base.logs import log_path

        return t(exc.key, path=exc.path, detail=exc.detail, backups=self.home.backups) + "\n" + t("log.see", path=log_path(self.home))

    def compute_checklist(self, year: int, township: str | None = None) -> tuple[ActiveRules, list[RuleResult]]:
        """The rules in force and their results for ``year`` as of today (at a hub, of one
        township). Blocking: call it from a worker thread."""
        from fazhi_tui.services.checklist import load_active_rules, run_checklist

        active = load_active_rules(self.home)
        return active, run_checklist(self.store, active.ruleset, self.config, year=year, on=self.today, township=township)

    # -- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The first screen on the stack, asked for by Textual before it composes the app.

        A township whose database is at this version gets its home screen itself, opened
        here with the store and its counts: the first frame is the home screen, drawn once,
        as a bare Textual app draws its one screen — no default screen composed, styled,
        laid out and then covered by the home screen first (~5 ms of CPU, issue 20).
        Anything else (a first start, a hub, a database to make or upgrade, a problem to
        show) starts on Textual's default screen with the loading line, and
        :meth:`on_mount` goes on from there."""
        self._start = self._open_first()
        return self._start if isinstance(self._start, Screen) else super().get_default_screen()

    def _open_first(self) -> Screen | Callable[[], None]:
        """The start's steps before the first frame: the log and the home's lock, the config
        and, for a township whose database needs no upgrade, the store and its counts.
        Returns the home screen, opened, or what :meth:`on_mount` is to do."""
        refused = self._take_home()
        if refused is not None:
            return partial(self.show_fatal, refused)
        try:
            config = load_config(self.home.config)
        except ConfigError as exc:
            return partial(self.show_fatal, t(exc.key, **exc.params))
        if config is None:
            return self._first_start
        if config.hub is not None or upgrade_pending(self.home.database):
            return partial(self._configured, config)
        self._use_config(config)
        try:
            store, counts = self._open_database()
        except DatabaseError as exc:
            return partial(self._cannot_open, exc)
        log.info("opened %s", self.home.database)
        self.store = store
        from fazhi_tui.ui.screens.home import HomeScreen

        home = HomeScreen(counts)
        translate_keys(home)  # (as push_screen does for every other screen)
        return home

    def compose(self) -> ComposeResult:
        if not isinstance(self._start, Screen):  # (the home screen as the first screen: no loading line in it)
            yield Static(t("app.loading"), id="loading")

    def on_mount(self) -> None:
        self.title = t("app.title")
        if isinstance(self._start, Screen):
            self._after_first_frame()
        else:
            self._start()

    def _take_home(self) -> str | None:
        """Start the log and hold the home's lock; what to say (who holds it) when another
        program has this home open."""
        from fazhi_tui.base.lock import HomeInUse, HomeLock
        from fazhi_tui.base.logs import ensure_logging

        ensure_logging(self.home)
        try:
            self._lock = HomeLock(self.home.data_dir, "fazhi-tui").acquire()
        except HomeInUse as exc:
            return exc.message()
        except OSError as exc:  # a read-only folder: go on, the database will say more
            log.warning("cannot hold the lock of %s: %s", self.home.data_dir, exc)
        log.info("opened the interface on %s", self.home.data_dir)
        return None

    def _first_start(self) -> None:
        """No config yet: the setup screen asks for it."""
        from fazhi_tui.ui.screens.setup import SetupScreen

        self.push_screen(SetupScreen(self.home), self._configured)
        self.call_after_refresh(self._collect_again)

    def _use_config(self, config: Config) -> None:
        self.config = config
        self.use_language(config.language)

    def _configured(self, config: Config | None) -> None:
        if config is None:  # setup left without saving
            self.exit(0)
            return
        self._use_config(config)
        if upgrade_pending(self.home.database):
            self._open_store()  # created or upgraded in a worker, each step on the loading screen
        else:
            self.call_next(self._open_store_now)  # after the mount: a frame drawn inside it is dropped

    def _open_database(self, progress=None) -> tuple[Store, dict[str, int] | None]:
        """(the store, a township's counts)."""
        self.home.ensure()
        kwargs = {"clock": self._clock} if self._clock else {}
        store = Store.open(self.home.database, self.home.backups, progress=progress, **kwargs)
        # A township's home screen opens with its counts (a few milliseconds) already known.
        counts = store.counts() if self.config.hub is None else None
        return store, counts

    def _cannot_open(self, exc: DatabaseError) -> None:
        log.error("cannot open %s: %s", self.home.database, exc)
        self.show_fatal(self.db_error_text(exc), isinstance(exc, (DatabaseCorrupt, DatabaseTooNew)))

    def _open_store_now(self) -> None:
        """A database already at this version opens in a few milliseconds: here, before the
        first frame, so that the home screen is that frame — no loading screen drawn first,
        no worker thread to start and hand the store back (issue 20)."""
        try:
            store, counts = self._open_database()
        except DatabaseError as exc:
            self._cannot_open(exc)
            return
        log.info("opened %s", self.home.database)
        self._store_ready(store, counts)

    @work(thread=True, exclusive=True, group="open-store")
    def _open_store(self) -> None:
        try:
            store, counts = self._open_database(progress=self._migrating)
        except DatabaseError as exc:
            self.call_from_thread(self._cannot_open, exc)
            return
        log.info("opened %s", self.home.database)
        self.call_from_thread(self._store_ready, store, counts)

    @work(thread=True, group="clock-check")
    def _check_clock(self) -> None:
        """After the first frame (the first date parsing imports ``_strptime``: ~3 ms)."""
        try:
            behind = self.store.clock_behind()
        except DatabaseError as exc:
            self.call_from_thread(self.notify, self.db_error_text(exc), severity="error", timeout=10)
            return
        if behind:
            self.call_from_thread(self._warn_clock, behind)

    def _migrating(self, done: int, total: int | None, what: str = "") -> None:
        """An older database being upgraded at start (from the worker thread): each step on
        the loading screen and in the log."""
        log.info("upgrading the data format: step %s of %s %s", done, total, what)
        self.call_from_thread(self._show_migration, t("app.migrating", done=done, total=total, what=what))

    def _show_migration(self, text: str) -> None:
        from fazhi_tui.ui.format import plain

        for loading in self.query("#loading").results(Static):
            loading.update(plain(text))

    def _warn_clock(self, newest: str) -> None:
        """The PC's clock is earlier than data the office already holds: say so."""
        self.notify(t("warn.clock_behind", newest=newest[:10], today=self.today.isoformat()), severity="warning", timeout=30)

    def reopen_store(self) -> None:
        """Open the database again (after a backup was put back)."""
        self._open_store()

    def _store_ready(self, store: Store, counts: dict[str, int] | None = None) -> None:
        self.store = store
        if self.config.hub is not None:
            from fazhi_tui.ui.screens.hub import HubScreen

            self.push_screen(HubScreen())
        else:
            from fazhi_tui.ui.screens.home import HomeScreen

            self.push_screen(HomeScreen(counts))
        self._after_first_frame()

    def _after_first_frame(self) -> None:
        """What waits until the first screen with the office's data is drawn: the other
        screens' rules, garbage collection, the clock check."""
        self.call_after_refresh(self.load_screens_css)  # (before the collector's freeze: the rules stay)
        self.call_after_refresh(self._collect_again)
        self.call_after_refresh(self._check_clock)
        self.log.info(t("app.started", ms=round((time.perf_counter() - self._started) * 1000)))

    def _collect_again(self) -> None:
        """The first screen is drawn: garbage collection, paused for the start by
        ``run_app``, goes on. What the start made (modules, classes, the screens' widgets)
        is frozen first: it stays for the whole session, and no collection needs to walk
        it again (a full pass over it took ~18 ms)."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing caught: its traceback goes to the log, then Textual shows it."""
        from fazhi_tui.base.logs import log_unexpected

        log_unexpected(error, "unexpected error in the interface")
        super()._handle_exception(error)

    def show_fatal(self, message: str, offer_backups: bool = False) -> None:
        """A problem the program cannot work around (bad config, unusable database); with
        ``offer_backups`` the automatic backups are listed to put one back."""
        from fazhi_tui.ui.screens.fatal import FatalScreen

        self.fatal_message = message
        self.push_screen(FatalScreen(message, offer_backups))
        self.call_after_refresh(self._collect_again)

    # -- navigation ------------------------------------------------------------------------

    def action_open_kind(self, name: str) -> None:
        """Show the list of one record kind (replacing a list already in front)."""
        from fazhi_tui.ui.screens.record_list import RecordListScreen

        if isinstance(self.screen, RecordListScreen):
            if self.screen.kind.name == name:
                return  # already in front (a second screen of the same id would clash)
            self.switch_screen(RecordListScreen(KINDS[name]))
        else:
            self.push_screen(RecordListScreen(KINDS[name]))

    def action_help(self) -> None:
        from fazhi_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen):
        """The command palette (Ctrl+P) lists every action of the screen in front, by name."""
        from textual.app import SystemCommand

        from fazhi_tui.ui.screens.help import our_actions

        for _key, active in our_actions(screen):
            binding = active.binding
            if active.enabled:
                namespace = active.node

                async def run(action=binding.action, node=namespace) -> None:
                    await self.run_action(action, node)

                yield SystemCommand(binding.description, t("help.palette_key", key=binding.key_display or self.get_key_display(binding)), run)
        # Textual's own commands (Keys, Maximize, Screenshot, Theme, Quit) are left out: they
        # speak English, and the program has its own F1 and Ctrl+Q (issue 16, point 4).

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette in the interface language."""
        from textual.command import CommandPalette

        from fazhi_tui.ui.widgets.palette import Palette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette())

    # -- undo of a deletion, from anywhere -------------------------------------------------

    def remember_deleted(self, kind_name: str, record_uuid: str, label: str) -> None:
        self.deleted.append((kind_name, record_uuid, label))

    def action_undo(self) -> None:
        """Put back the newest record deleted this session, and say which it was."""
        if self.store is None or not self.deleted:
            self.notify(t("list.nothing_to_undo"), severity="warning")
            return
        self._restore(*self.deleted[-1])

    @work(thread=True, exclusive=True, group="undo")
    def _restore(self, kind_name: str, record_uuid: str, label: str) -> None:
        from fazhi_tui.base.i18n import kind_label
        from fazhi_tui.storage.store import RecordNotFound

        try:
            self.store.restore(KINDS[kind_name], record_uuid, self.actor)
        except RecordNotFound:
            self.call_from_thread(self._forget_deleted, record_uuid)
            self.call_from_thread(self.notify, t("list.nothing_to_undo"), severity="warning")
            return
        except DatabaseError as exc:
            self.call_from_thread(self.notify, self.db_error_text(exc), severity="error", timeout=10)
            return
        self.call_from_thread(self._forget_deleted, record_uuid)
        self.call_from_thread(self.notify, t("list.restored_kind", kind=kind_label(kind_name), label=label))
        self.call_from_thread(self._restored, kind_name, record_uuid)

    def _forget_deleted(self, record_uuid: str) -> None:
        self.deleted = [d for d in self.deleted if d[1] != record_uuid]

    def _restored(self, kind_name: str, record_uuid: str) -> None:
        """The screen in front shows the record back: its list puts the cursor on it, the
        home screen counts it again."""
        screen = self.screen
        if hasattr(screen, "record_restored"):
            screen.record_restored(kind_name, record_uuid)

    def action_open_checklist(self) -> None:
        from fazhi_tui.ui.screens.checklist import ChecklistScreen

        self.push_screen(ChecklistScreen(self.today.year))

    # Screens open one another through these, so that no screen imports another's module.

    def open_sync(self) -> None:
        """The township's USB exchange."""
        from fazhi_tui.ui.screens.sync import SyncScreen

        self.push_screen(SyncScreen())

    def open_matrix(self, year: int | None = None) -> None:
        """The hub's matrix of townships against rules."""
        from fazhi_tui.ui.screens.matrix import MatrixScreen

        self.push_screen(MatrixScreen(year or self.today.year))

    def open_catalog(self) -> None:
        """The county's delegated-items catalog (a city has none: said, not opened)."""
        from fazhi_tui.ui.screens.catalog import CatalogScreen

        if self.config.hub is None or self.config.hub.level != "county":
            self.notify(t("err.catalog_city"), severity="warning")
            return
        self.push_screen(CatalogScreen())

    def open_evidence(self, year: int, rule_id: str, township: str | None = None) -> None:
        """The records behind one rule (at a hub, of one township, read only)."""
        from fazhi_tui.ui.screens.checklist import EvidenceScreen

        self.push_screen(EvidenceScreen(year, rule_id, township=township))

    async def action_quit(self) -> None:
        """Ctrl+Q from anywhere; asks first when a form holds unsaved changes."""
        from fazhi_tui.ui.widgets.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return  # a question is already on screen: answer it first
        if any(getattr(screen, "is_dirty", False) for screen in self.screen_stack):

            def answered(leave: bool | None) -> None:
                if leave:
                    self.exit(0)

            self.push_screen(ConfirmScreen(t("form.confirm_quit")), answered)
            return
        self.exit(0)

    def on_unmount(self) -> None:
        if self.store is not None:
            self._backup_on_quit()
            self.store.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _backup_on_quit(self) -> None:
        """The routine backup (at most one a day), then the rotation of old ones."""
        from fazhi_tui.storage.backups import backup_on_quit

        try:
            backup_on_quit(self.home, conn=self.store.conn, policy=self.config.backups if self.config else None)
        except Exception as exc:  # a full disk must not stop the program from closing
            log.error("the backup on quitting failed: %s", exc, exc_info=True)
