"""``python -m music_visualizer``: see :mod:`music_visualizer.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
