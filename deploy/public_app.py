"""Capaian's public transparency site: ``app.py`` behind :class:`public_guard.PublicGuard`.

Start it with ``deploy/run-public.sh`` (``streamlit run deploy/public_app.py``;
Streamlit 1.67 finds the ``st.App`` below and serves it with uvicorn). Whatever
the environment or secrets say, this process is in public mode, and from its
first session on no browser gets an error's type, message or traceback (they go
to the server log).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st
from public_guard import PublicGuard
from starlette.middleware import Middleware

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # app.py imports pages.* and utils.* from the checkout

from pages.support import access, geometry_files, startup  # noqa: E402  (needs ROOT)
from utils import auth  # noqa: E402

os.environ[auth.MODE_ENV] = auth.PUBLIC
os.environ[access.GUARD_ENV] = "1"
st.set_option("client.showErrorDetails", "none")

SCRIPT = ROOT / "app.py"
app = st.App(SCRIPT, lifespan=startup.lifespan, routes=geometry_files.routes(),
             middleware=[Middleware(PublicGuard, script_path=str(SCRIPT))])
