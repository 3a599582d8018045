"""``python -m utils.geo build|info|download``: the boundary build's command line."""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "download":
    from utils.geo.offline_copy import main as download

    raise SystemExit(download(sys.argv[2:]))

from utils.geo.build import main

raise SystemExit(main())
