"""Password hashing at OWASP's recommended Argon2id parameters (decision 0009)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB, 2 passes and 1 lane: OWASP's first recommended configuration.

    Django's defaults (100 MiB, 8 lanes) spread one login over eight threads that queue
    for a 2-core server's cores: about 1 s a login under load, against 0.24 s here. The
    algorithm name is Django's own, so a stored hash made at other parameters still
    verifies and is rehashed at the next login (`must_update`).
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
