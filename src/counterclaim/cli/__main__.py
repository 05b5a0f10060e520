"""`python -m counterclaim.cli`."""

import sys

from counterclaim.cli import main

if __name__ == "__main__":  # not when a worker process started by `batch` imports this module again
    sys.exit(main())
