"""``python -m goodwill`` runs the command line."""

import sys

from goodwill.cli.main import main

sys.exit(main())
