"""``python -m goodwill`` runs the command line."""

import sys

from goodwill.cli import main

sys.exit(main())
