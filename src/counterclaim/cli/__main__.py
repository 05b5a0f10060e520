"""`python -m counterclaim.cli`."""

import sys

from counterclaim.cli import main

sys.exit(main())
