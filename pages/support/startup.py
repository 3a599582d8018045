"""What the server does once, when it starts (``st.App`` lifespan), before any session.

Capaian routes with ``st.navigation`` (``app.py``). Streamlit 1.67 treats a folder
named ``pages/`` beside the entrypoint as a legacy multipage app until some session
has called ``st.navigation``, so a fresh server's very first visitor who follows a
link such as ``/wilayah?kode=64.74`` was routed against the folder's file names and
shown "Page not found". At start-up the server is told what ``st.navigation`` tells
it on its first call: this app does not use the legacy folder routing.
(``tests/test_deep_links_browser.py`` opens every link as a fresh server's first
session; a Streamlit upgrade that changes this fails there.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from streamlit.runtime.pages_manager import PagesManager


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """Before the first session: route by ``st.navigation`` only."""
    PagesManager.uses_pages_directory = False  # what st.navigation's first call sets
    yield
