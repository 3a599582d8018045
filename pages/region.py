"""Placeholder: this page is being built (see the issue list)."""

from __future__ import annotations

import streamlit as st

st.title("Capaian")
