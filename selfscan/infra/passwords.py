"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with RFC 9106's second recommended option (the library's default): about 0.1 s of
# one CPU and 64 MiB per hash, so that a stolen table costs an attacker that much per guess.
PRODUCTION = profiles.RFC_9106_LOW_MEMORY
MIN_LENGTH = 10


class _Hashing:
    def __init__(self, parameters: Parameters) -> None:
        self.hasher = PasswordHasher.from_parameters(parameters)
        # Verifying against this when an account does not exist keeps sign-in time the same
        # either way, so it is made with the same parameters as real hashes.
        self.dummy_hash = self.hasher.hash("no account has this password")


_hashing = _Hashing(PRODUCTION)


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with `parameters` from now on, in this process. The test suite uses
    argon2's cheapest profile so that its thousands of accounts do not take minutes; the app
    never calls this, and a hash made with other parameters is upgraded on sign-in."""
    global _hashing
    _hashing = _Hashing(parameters)


def hash_password(password: str) -> str:
    return _hashing.hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; runs a full verification even without a hash."""
    hashing = _hashing
    try:
        return (
            hashing.hasher.verify(password_hash or hashing.dummy_hash, password)
            and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hashing.hasher.check_needs_rehash(password_hash)
