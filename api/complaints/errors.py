"""Domain errors of the complaint store; routes map them to HTTP statuses."""


class ComplaintError(Exception):
    """Base class for complaint-store errors."""


class ComplaintNotFound(ComplaintError):
    """No such ticket, or the verifier did not match (deliberately indistinguishable)."""


class IdempotencyConflict(ComplaintError):
    """An Idempotency-Key was reused with a different request body."""


class InvalidStateChange(ComplaintError):
    """A state outside the known workflow states was requested."""


class LookupLocked(ComplaintError):
    """Too many wrong verifiers for this ticket: lookups refused until the lock runs out."""
