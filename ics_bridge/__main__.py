"""``python -m ics_bridge``: the same as the ``ics-bridge`` console script."""

import sys

from .cli import main

sys.exit(main())
