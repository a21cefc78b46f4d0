import sys

from gsspider.cli import main

sys.exit(main())
