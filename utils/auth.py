"""Who may do what: the app's mode, password hashes and a sign-in rate limiter (pure).

The app runs in one of two modes. ``internal`` (the default) is the office
tool: reading is open, writing (imports, rollbacks, saved scenarios) needs a
sign-in. ``public`` is the read-only transparency page. The mode comes from
the environment variable :data:`MODE_ENV` or ``mode`` in
``.streamlit/secrets.toml``; when either asks for public mode the app is
public, and an unknown value also means public (a typo never opens the
admin pages).

Passwords are never stored: ``secrets.toml`` holds a salted scrypt hash made
by ``python -m utils.auth hash`` (see :func:`main`).
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import math
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MODE_ENV = "CAPAIAN_MODE"
UNGUARDED_WARNING = ("Public mode without deploy/run-public.sh: uploads and clear_cache from any "
                     "visitor are not refused (see README, Public deployment).")
"""Logged once by a public server started without the guard (for operators, not visitors)."""
PUBLIC, INTERNAL = "public", "internal"
SECRETS_SECTION = "access"
"""Table of ``secrets.toml`` holding ``password_hash`` (not exported to the environment)."""
SCHEME = "scrypt"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_N = 2**20
"""Largest scrypt cost accepted from a stored hash (bounds memory and time)."""
MAXMEM = 128 * 2**20 + 2**20
MIN_PASSWORD = 10
"""Shortest password the hash command accepts."""


# --- mode -------------------------------------------------------------------------------------


def _mode_word(value: object) -> str | None:
    """``public``/``internal`` for a configured value, ``None`` when unset."""
    if value is None:
        return None
    word = str(value).strip().lower()
    if not word:
        return None
    return INTERNAL if word == INTERNAL else PUBLIC


def parse_mode(env: Mapping[str, str], secrets_: Mapping[str, object]) -> str:
    """The app's mode from the environment and the secrets.

    Parameters
    ----------
    env : Mapping
        The process environment (``os.environ``); :data:`MODE_ENV` is read.
    secrets_ : Mapping
        The parsed ``secrets.toml``; its top-level ``mode`` is read.

    Returns
    -------
    str
        :data:`PUBLIC` when either source says public (or says something
        unknown), else :data:`INTERNAL`; nothing configured is internal.

    Examples
    --------
    >>> parse_mode({}, {}), parse_mode({"CAPAIAN_MODE": "public"}, {})
    ('internal', 'public')
    >>> parse_mode({"CAPAIAN_MODE": "internal"}, {"mode": "public"})
    'public'
    """
    words = {_mode_word(env.get(MODE_ENV)), _mode_word(secrets_.get("mode"))}
    return PUBLIC if PUBLIC in words else INTERNAL


def configured_hash(secrets_: Mapping[str, object]) -> str | None:
    """The password hash from ``[access] password_hash``, or ``None`` if unset."""
    section = secrets_.get(SECRETS_SECTION)
    if not isinstance(section, Mapping):
        return None
    value = section.get("password_hash")
    return value.strip() if isinstance(value, str) and value.strip() else None


# --- hashing ----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=size, maxmem=MAXMEM
    )


def hash_password(password: str, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    """A salted scrypt hash: ``scrypt$n$r$p$salt$digest`` (URL-safe base64).

    Examples
    --------
    >>> hash_password("correct horse", salt=b"0" * 16, n=2**4).split("$")[:4]
    ['scrypt', '16', '8', '1']
    """
    if "\x00" in password:
        raise ValueError("a password cannot contain a NUL character")
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P, 32)
    return "$".join([SCHEME, str(n), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)])


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return None
    valid = (
        1 < n <= MAX_N
        and n & (n - 1) == 0
        and 0 < r <= 32
        and 0 < p <= 4
        and 128 * r * n <= MAXMEM - 2**20
        and len(salt) >= 8
        and 16 <= len(digest) <= 64
    )
    return (n, r, p, salt, digest) if valid else None


def is_valid_hash(stored: str | None) -> bool:
    """Whether ``stored`` is a hash :func:`verify_password` can check."""
    if not stored:
        return False
    return _parse_hash(stored) is not None


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison).

    A missing or malformed hash matches nothing.

    Examples
    --------
    >>> stored = hash_password("correct horse", n=2**4)
    >>> verify_password("correct horse", stored), verify_password("wrong", stored)
    (True, False)
    """
    parsed = _parse_hash(stored or "")
    # scrypt keys HMAC with the password, and HMAC pads short keys with NUL
    # bytes: "a" and "a\x00" would match the same hash. No typed password
    # holds a NUL, so one never matches.
    if parsed is None or "\x00" in password:
        return False
    n, r, p, salt, digest = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(digest)), digest)


def fingerprint(stored: str) -> str:
    """A short digest of the configured hash, kept in a signed-in session so a
    changed password signs every session out."""
    return hashlib.sha256(stored.strip().encode("utf-8")).hexdigest()[:24]


# --- rate limiting ----------------------------------------------------------------------------


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0


@dataclass
class RateLimiter:
    """Failed sign-ins per client and in total, with exponential back-off.

    After ``free`` failures a client waits ``base`` seconds, doubling with
    each further failure up to ``cap``. All clients together get
    ``global_free`` failures before everyone waits (up to ``global_cap``),
    which slows an attacker who changes address or session. Counts are
    forgotten ``forget`` seconds after the last failure; a success clears
    the client's count. Thread-safe; in-process only.
    """

    free: int = 3
    base: float = 2.0
    cap: float = 900.0
    global_free: int = 30
    global_cap: float = 60.0
    forget: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Count] = field(default_factory=dict)
    _all: _Count = field(default_factory=_Count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _delay(self, count: _Count, free: int, cap: float, now: float) -> float:
        if now - count.last >= self.forget or count.failures <= free:
            return 0.0
        extra = count.failures - free - 1
        delay = cap if extra >= 64 else min(cap, self.base * 2.0**extra)
        return max(0.0, count.last + delay - now)

    def wait(self, client: str) -> float:
        """Seconds ``client`` must wait before the next attempt (0 = may try now)."""
        with self._lock:
            now = self.clock()
            own = self._clients.get(client, _Count())
            return max(
                self._delay(own, self.free, self.cap, now),
                self._delay(self._all, self.global_free, self.global_cap, now),
            )

    def failure(self, client: str) -> None:
        """Record a failed attempt by ``client``."""
        with self._lock:
            now = self.clock()
            for count in (self._clients.setdefault(client, _Count()), self._all):
                if now - count.last >= self.forget:
                    count.failures = 0
                count.failures += 1
                count.last = now
            self._prune(now)

    def success(self, client: str) -> None:
        """Clear ``client``'s failures (the global count keeps its history)."""
        with self._lock:
            self._clients.pop(client, None)

    def _prune(self, now: float) -> None:
        if len(self._clients) > 10_000:
            stale = [k for k, c in self._clients.items() if now - c.last >= self.forget]
            for key in stale:
                del self._clients[key]


def wait_text_seconds(seconds: float) -> int:
    """Whole seconds to show for a wait (never 0 while a wait remains)."""
    return max(1, math.ceil(seconds)) if seconds > 0 else 0


# --- command line -----------------------------------------------------------------------------


def secrets_lines(stored: str) -> str:
    """What to paste into ``.streamlit/secrets.toml``."""
    return f'[{SECRETS_SECTION}]\npassword_hash = "{stored}"\n'


def _read_password(stdin_is_tty: bool) -> str:
    if stdin_is_tty:
        first = getpass.getpass("Kata sandi / password: ")
        if getpass.getpass("Ulangi / repeat: ") != first:
            raise SystemExit("Kata sandi tidak sama / passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m utils.auth hash``: read a password, print the secrets lines.

    The password is read with ``getpass`` on a terminal, else as the first
    line of standard input (``printf '%s\\n' "$PW" | python -m utils.auth hash``).
    """
    args = sys.argv[1:] if argv is None else argv
    if args != ["hash"]:
        print("usage: python -m utils.auth hash", file=sys.stderr)
        return 2
    password = _read_password(sys.stdin.isatty())
    if "\x00" in password:
        print("Kata sandi tidak boleh memuat karakter NUL / no NUL characters.", file=sys.stderr)
        return 1
    if len(password) < MIN_PASSWORD:
        print(
            f"Kata sandi minimal {MIN_PASSWORD} karakter / at least {MIN_PASSWORD} characters.",
            file=sys.stderr,
        )
        return 1
    print("# .streamlit/secrets.toml", file=sys.stderr)
    sys.stdout.write(secrets_lines(hash_password(password)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


@dataclass
class SeenOnce:
    """Keys this process has seen, the newest ``limit`` of them kept.

    ``first(key)`` is True the first time ``key`` is given and False after, until
    ``limit`` newer keys have pushed it out. Thread-safe; in-process only.
    """

    limit: int = 10_000
    _keys: OrderedDict[tuple[str, ...], None] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first(self, key: tuple[str, ...]) -> bool:
        """Whether ``key`` is new (and remember it).

        Parameters
        ----------
        key : tuple of str
            What names the event, e.g. ``(identity, issued_at)``.

        Returns
        -------
        bool
            True the first time, False while the key is remembered.
        """
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            while len(self._keys) > self.limit:
                self._keys.popitem(last=False)
            return True
