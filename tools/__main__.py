"""``python -m tpuc.tools`` is ``tpuc``."""

import sys

from tpuc.tools.tpuc import main

sys.exit(main())
