"""``python -m utils.geo build|info``: the boundary build's command line."""

from utils.geo.build import main

raise SystemExit(main())
