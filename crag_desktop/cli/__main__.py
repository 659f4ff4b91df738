"""`python -m crag_desktop.cli`: the `crag-desktop` command."""

import sys

from crag_desktop.cli.entry import main

sys.exit(main())
