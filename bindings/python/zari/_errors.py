"""Exceptions: one class per zari_status, all subclasses of ZariError."""

import enum


class Status(enum.IntEnum):
    """zari_status values (zari.h). Append-only."""

    OK = 0
    EINVAL = -1
    ENOMEM = -2
    ENOTFOUND = -3
    EPACK = -4
    ESTATE = -5
    EIO = -6
    ELIMIT = -7
    EINTERNAL = -8
    EBUSY = -9


class ZariError(Exception):
    """A failed Zari call: ``status`` (a zari_status, negative int) and
    ``message`` (zari_last_error() of the failed call, e.g.
    "…/billing.yaml:12:5: unknown key 'anwser' in intent 'balance'")."""

    def __init__(self, status, message):
        super().__init__(status, message)
        self.status = int(status)
        self.message = message

    def __str__(self):
        return self.message or _status_word(self.status)

    def __repr__(self):
        return "%s(%d, %r)" % (type(self).__name__, self.status, self.message)

    def __reduce__(self):
        return (type(self), (self.status, self.message))


class InvalidArgumentError(ZariError, ValueError):
    """ZARI_EINVAL: an argument is invalid (unknown language code, NUL in a path, …)."""


class ClosedError(InvalidArgumentError):
    """The engine or session was closed (a binding-side ZARI_EINVAL)."""


class OutOfMemoryError(ZariError, MemoryError):
    """ZARI_ENOMEM."""


class NotFoundError(ZariError):
    """ZARI_ENOTFOUND: the pack path does not exist."""


class PackError(ZariError):
    """ZARI_EPACK: the intent pack is invalid; the message names file:line:col."""


class StateError(ZariError):
    """ZARI_ESTATE: a session state is corrupt, of another format version or another pack."""


class InputOutputError(ZariError):
    """ZARI_EIO: reading a file or opening/writing the log database failed."""


class LimitError(ZariError):
    """ZARI_ELIMIT: a size or complexity limit was exceeded."""


class InternalError(ZariError):
    """ZARI_EINTERNAL: a bug in Zari; the message says where."""


class BusyError(ZariError):
    """ZARI_EBUSY: another operator holds the conversation (operator_join),
    or none does (operator_message, operator_leave)."""


_BY_STATUS = {
    Status.EINVAL: InvalidArgumentError,
    Status.ENOMEM: OutOfMemoryError,
    Status.ENOTFOUND: NotFoundError,
    Status.EPACK: PackError,
    Status.ESTATE: StateError,
    Status.EIO: InputOutputError,
    Status.ELIMIT: LimitError,
    Status.EINTERNAL: InternalError,
    Status.EBUSY: BusyError,
}

_WORDS = {
    Status.OK: "ok",
    Status.EINVAL: "invalid argument",
    Status.ENOMEM: "out of memory",
    Status.ENOTFOUND: "not found",
    Status.EPACK: "pack invalid",
    Status.ESTATE: "session state invalid",
    Status.EIO: "input/output error",
    Status.ELIMIT: "limit exceeded",
    Status.EINTERNAL: "internal error",
    Status.EBUSY: "conversation busy",
}


def _status_word(status):
    return _WORDS.get(status, "unknown status %d" % status)


def error_for(status, message):
    """The exception for a zari_status (ZariError for unknown, newer codes)."""
    return _BY_STATUS.get(status, ZariError)(status, message)
