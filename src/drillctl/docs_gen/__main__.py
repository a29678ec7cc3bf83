import sys

from drillctl.docs_gen import main

sys.exit(main())
