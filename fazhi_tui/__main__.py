from fazhi_tui.base.console import setup_console

setup_console()  # before anything is printed: no UnicodeEncodeError on any console

from fazhi_tui.cli import main  # noqa: E402

raise SystemExit(main())
