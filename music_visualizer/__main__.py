"""``python -m music_visualizer``: see :mod:`music_visualizer.ui.cli`."""

import sys

from .ui.cli import main

if __name__ == "__main__":
    sys.exit(main())
