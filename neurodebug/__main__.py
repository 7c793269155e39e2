"""Allow `python -m neurodebug …` (the VS Code extension starts the server this way)."""

import sys

from neurodebug.cli import main

sys.exit(main())
