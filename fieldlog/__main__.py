import sys

from fieldlog.cli import main

sys.exit(main())
