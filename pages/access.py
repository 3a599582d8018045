"""Who may do what: public mode and sign-in (placeholder until issue #7 lands).

Pages ask these questions and never read the mode or secrets themselves.
"""

from __future__ import annotations


def is_public() -> bool:
    """True when the app runs as the public transparency page (read-only)."""
    return False


def signed_in() -> bool:
    """True when the current session may change stored data."""
    return True


def require_sign_in(lang: str) -> bool:
    """Draw a sign-in form when needed; True once the session is signed in."""
    return signed_in()


def hidden_pages() -> set[str]:
    """URL paths of pages this session must not reach (public mode hides admin pages)."""
    return {"data"} if is_public() else set()
