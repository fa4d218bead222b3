"""Verifiers for the public status lookup: a one-time-shown 6-digit PIN (scrypt hash) or phone last 4.

Six digits, because guessing is bounded by the lock, not by length: a ticket locks after
LOOKUP_MAX_FAILURES (5) wrong verifiers, so a guess succeeds with odds of 5 in 10⁶, and families read
and type six digits reliably (and tools that parse a chat's 6-digit 查询码 keep working).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_N, _R, _P = 2**14, 8, 1
PIN_DIGITS = 6
PIN_RE = re.compile(r"^\d{6}$")
LAST4_RE = re.compile(r"^\d{4}$")
# Hash of a PIN nobody holds, verified against when the ticket is unknown so timing says nothing.
_DUMMY_HASH: str | None = None


def new_pin() -> str:
    """Uniformly random 6-digit PIN (leading zeros kept): 10⁶ values against 5 tries per ticket."""
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """Memory-hard hash so a leaked table does not give PINs away cheaply."""
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str) -> str:
    """Self-describing 'scrypt$n$r$p$salt$hash' string."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, _N, _R, _P)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against a stored hash; malformed hashes never match."""
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        actual = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(actual, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


def phone_last4(phone: str | None) -> str | None:
    """Last four digits of a stored phone number, if one was left."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else None


def verify(verifier: str, *, pin_hash: str | None, phone: str | None) -> bool:
    """True if `verifier` is the case's PIN or its phone's last 4.

    The scrypt check always runs (against a dummy hash for unknown tickets) so a wrong verifier,
    a 4-digit verifier and an unknown ticket all cost the same time.
    """
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_pin(new_pin())
    pin_ok = check_pin(verifier, pin_hash or _DUMMY_HASH)
    last4 = phone_last4(phone) or "-"
    phone_ok = hmac.compare_digest(verifier.encode(), last4.encode())
    if pin_hash is None:
        return False
    return (bool(PIN_RE.match(verifier)) and pin_ok) or (
        bool(LAST4_RE.match(verifier)) and phone_ok
    )
