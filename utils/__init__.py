"""Pure domain logic for Capaian (no Streamlit imports here)."""
