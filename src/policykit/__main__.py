import sys

from policykit.cli.main import main

sys.exit(main())
