from fazhi_tui.cli import main

raise SystemExit(main())
