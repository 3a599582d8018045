"""utils.auth: the mode, password hashes, the sign-in back-off and the hash command."""

from __future__ import annotations

import hmac
import io
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import auth

ROOT = Path(__file__).resolve().parent.parent
FAST = 2**4  # scrypt cost for tests only; the app uses auth.SCRYPT_N


@pytest.mark.parametrize(
    ("env", "secrets", "mode"),
    [
        ({}, {}, "internal"),
        ({"CAPAIAN_MODE": "public"}, {}, "public"),
        ({}, {"mode": "public"}, "public"),
        ({"CAPAIAN_MODE": " Public\n"}, {}, "public"),
        ({"CAPAIAN_MODE": "internal"}, {}, "internal"),
        ({}, {"mode": "INTERNAL"}, "internal"),
        ({"CAPAIAN_MODE": ""}, {"mode": "  "}, "internal"),
        # either source asking for public wins: a deployment cannot be opened by the other
        ({"CAPAIAN_MODE": "internal"}, {"mode": "public"}, "public"),
        ({"CAPAIAN_MODE": "public"}, {"mode": "internal"}, "public"),
        # an unknown word (a typo) fails closed
        ({"CAPAIAN_MODE": "pubic"}, {}, "public"),
        ({}, {"mode": "publik"}, "public"),
        ({}, {"mode": True}, "public"),
        ({"OTHER": "public"}, {"MODE": "public"}, "internal"),
    ],
)
def test_parse_mode(env, secrets, mode):
    assert auth.parse_mode(env, secrets) == mode


@pytest.mark.parametrize(
    ("secrets", "expected"),
    [
        ({}, None),
        ({"access": "scrypt$1"}, None),
        ({"access": {}}, None),
        ({"access": {"password_hash": "  "}}, None),
        ({"access": {"password_hash": 12}}, None),
        ({"password_hash": "scrypt$x"}, None),  # only the [access] table counts
        ({"access": {"password_hash": " scrypt$x \n"}}, "scrypt$x"),
    ],
)
def test_configured_hash(secrets, expected):
    assert auth.configured_hash(secrets) == expected


@settings(max_examples=25, deadline=None)
@given(password=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                        max_size=40),
       other=st.text(max_size=40))
def test_hash_verifies_its_password_only(password, other):
    stored = auth.hash_password(password, n=FAST)
    assert auth.verify_password(password, stored)
    assert auth.verify_password(other, stored) == (other == password)


def test_a_nul_never_signs_in_nor_becomes_a_password():
    """HMAC pads a short key with NULs, so scrypt("a") == scrypt("a\\x00")."""
    stored = auth.hash_password("a", n=FAST)
    assert auth.verify_password("a", stored)
    assert not auth.verify_password("a\x00", stored)
    with pytest.raises(ValueError, match="NUL"):
        auth.hash_password("a\x00", n=FAST)


def test_hashes_are_salted_and_use_the_full_cost_by_default():
    first, second = auth.hash_password("same password"), auth.hash_password("same password")
    assert first != second  # a new salt each time
    assert first.split("$")[:4] == ["scrypt", str(auth.SCRYPT_N), "8", "1"]
    assert auth.SCRYPT_N >= 2**14
    assert "same password" not in first
    assert auth.verify_password("same password", second)


def test_verification_compares_in_constant_time(monkeypatch):
    calls, real = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert auth.verify_password("pw", auth.hash_password("pw", n=FAST))
    assert len(calls) == 1 and all(isinstance(x, bytes) for x in calls[0])


GOOD = auth.hash_password("correct horse", salt=b"s" * 16, n=FAST)
PARTS = GOOD.split("$")


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "correct horse",  # a plain password is not a hash
        "$".join(["pbkdf2", *PARTS[1:]]),
        "$".join(PARTS[:5]),
        "$".join([*PARTS, "extra"]),
        "$".join([PARTS[0], "15", *PARTS[2:]]),  # n not a power of two
        "$".join([PARTS[0], "1", *PARTS[2:]]),
        "$".join([PARTS[0], str(2**21), *PARTS[2:]]),  # too costly to accept
        "$".join([PARTS[0], "x", *PARTS[2:]]),
        "$".join([*PARTS[:4], "!!!", PARTS[5]]),  # not base64
        "$".join([*PARTS[:5], PARTS[5][:8]]),  # digest cut short
        "$".join([*PARTS[:4], "", PARTS[5]]),  # no salt
    ],
)
def test_malformed_hashes_match_nothing(stored):
    assert not auth.is_valid_hash(stored)
    assert not auth.verify_password("correct horse", stored)


def test_a_changed_digest_fails():
    digest = PARTS[5]
    flipped = ("A" if digest[0] != "A" else "B") + digest[1:]
    assert auth.is_valid_hash(GOOD)
    assert not auth.verify_password("correct horse", "$".join([*PARTS[:5], flipped]))


def test_fingerprint_follows_the_hash():
    other = auth.hash_password("correct horse", n=FAST)
    assert auth.fingerprint(GOOD) == auth.fingerprint(GOOD + "\n")
    assert auth.fingerprint(GOOD) != auth.fingerprint(other)
    assert GOOD not in auth.fingerprint(GOOD)


class Clock:
    """A clock the test moves by hand (no sleeping, no timing)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(**kw) -> tuple[auth.RateLimiter, Clock]:
    clock = Clock()
    return auth.RateLimiter(clock=clock, **kw), clock


def test_backoff_starts_after_the_free_attempts_and_doubles():
    lim, clock = limiter(free=3, base=2.0, cap=60.0, global_free=1000)
    waits = []
    for _ in range(9):
        waits.append(lim.wait("a"))
        lim.failure("a")
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:] == [2.0, 4.0, 8.0, 16.0, 32.0]  # measured right after each failure
    lim.failure("a")
    lim.failure("a")
    assert lim.wait("a") == 60.0  # capped
    clock.now += 59.5
    assert lim.wait("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert lim.wait("a") == 0


def test_clients_are_counted_apart_and_success_clears_only_the_client():
    lim, _ = limiter(free=2, base=5.0, global_free=1000)
    for _ in range(3):
        lim.failure("a")
    assert lim.wait("a") == 5.0
    assert lim.wait("b") == 0
    lim.success("a")
    assert lim.wait("a") == 0


def test_the_global_count_slows_everyone():
    lim, clock = limiter(free=100, global_free=4, base=1.0, global_cap=30.0)
    for i in range(5):
        lim.failure(f"client-{i}")  # one failure each: no client is over its own limit
    assert lim.wait("someone-new") == 1.0
    for i in range(10):
        lim.failure(f"other-{i}")
    assert lim.wait("someone-new") == 30.0  # capped at the global cap
    lim.success("someone-new")
    assert lim.wait("someone-new") == 30.0  # a success does not clear the global count
    clock.now += 30
    assert lim.wait("someone-new") == 0


def test_failures_are_forgotten_after_a_quiet_hour():
    lim, clock = limiter(free=1, base=10.0, forget=3600.0, global_free=1000)
    lim.failure("a")
    lim.failure("a")
    assert lim.wait("a") == 10.0
    clock.now += 3600
    assert lim.wait("a") == 0
    lim.failure("a")
    assert lim.wait("a") == 0  # counting starts again: one failure is free


def test_many_threads_failing_at_once_do_not_break_the_counter():
    """Sessions run in threads: 4 threads × 6000 new clients, pruning as they go
    (without the lock, pruning iterates the table while others insert)."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    errors = []
    lim = auth.RateLimiter(global_free=10**9, forget=0.0)

    def work(k: int) -> None:
        try:
            for i in range(6000):
                lim.failure(f"{k}-{i}")
        except RuntimeError as error:
            errors.append(error)

    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []


def run_cli(monkeypatch, capsys, text: str, args=("hash",)) -> tuple[int, str, str]:
    stdin = io.StringIO(text)
    stdin.isatty = lambda: False
    monkeypatch.setattr(sys, "stdin", stdin)
    code = auth.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prints_lines_that_configure_the_password(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "a long test password\n")
    assert code == 0
    parsed = tomllib.loads(out)
    stored = auth.configured_hash(parsed)
    assert stored and auth.is_valid_hash(stored)
    assert auth.verify_password("a long test password", stored)
    assert not auth.verify_password("a long test password\n", stored)
    assert "a long test password" not in out


@pytest.mark.parametrize(
    ("text", "args", "code"),
    [
        ("short\n", ("hash",), 1),
        ("a long test password\n", (), 2),
        ("a long test password\n", ("x",), 2),
    ],
)
def test_cli_refuses_short_passwords_and_bad_usage(monkeypatch, capsys, text, args, code):
    result, out, err = run_cli(monkeypatch, capsys, text, args)
    assert result == code and out == "" and err


def test_cli_on_a_terminal_asks_twice(monkeypatch, capsys):
    answers = iter(["a long test password", "a different password"])
    monkeypatch.setattr(auth.getpass, "getpass", lambda prompt="": next(answers))
    stdin = io.StringIO("")
    stdin.isatty = lambda: True
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(SystemExit):
        auth.main(["hash"])
    assert capsys.readouterr().out == ""


def test_cli_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "utils.auth", "hash"],
        input="a long test password\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    stored = auth.configured_hash(tomllib.loads(result.stdout))
    assert auth.verify_password("a long test password", stored)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("abcdefgh"), max_size=40), st.integers(1, 5))
def test_seen_once_says_first_only_for_keys_not_among_the_newest_remembered(
        keys: list[str], limit: int) -> None:
    seen = auth.SeenOnce(limit=limit)
    remembered: list[str] = []  # a model: the `limit` most recently given keys
    for key in keys:
        assert seen.first((key,)) == (key not in remembered)
        remembered = [*(k for k in remembered if k != key), key][-limit:]
