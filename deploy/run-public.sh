#!/bin/sh
# Capaian's public transparency site (read-only), for a server behind a reverse proxy.
#
#   deploy/run-public.sh [--server.port 8501 ...]     (extra flags go to `streamlit run`)
#
# deploy/public_app.py serves app.py in public mode behind deploy/public_guard.py:
# uploads are refused (403), a visitor's clear_cache (and every other websocket message
# no public page sends) is dropped, and no error detail reaches a browser.
# The variables below are Streamlit's own config options (STREAMLIT_<SECTION>_<OPTION>).
set -eu
cd "$(dirname "$0")/.."
export CAPAIAN_MODE=public
# From the first message of the first session on (public_app.py sets the same).
export STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none
# Nothing is uploaded on the public site; 1 MB bounds a request if the guard is ever bypassed.
export STREAMLIT_SERVER_MAX_UPLOAD_SIZE=1
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
exec "$PYTHON" -m streamlit run deploy/public_app.py --server.headless true "$@"
