"""Join codes and teacher tokens, both from `secrets`.

A code is 9 characters from 32 that cannot be mistaken for one another on a projector or when
typed (no 0/O, no 1/I): 45 bits, so guessing a live class among thousands takes billions of
tries. The teacher token is 256 bits; the server keeps only its SHA-256.
"""

import hashlib
import hmac
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 9
PATTERN = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str) -> str | None:
    """Return the code typed as `text` (any case, spaces or dashes between), or None."""
    code = re.sub(r"[\s-]", "", text).upper()
    return code if PATTERN.match(code) else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)


def new_id() -> str:
    """An opaque id for a student, a connection or a poll."""
    return secrets.token_urlsafe(12)
