"""Zari — an embeddable customer-support chatbot engine for Georgian,
Azerbaijani and English — from Python, over its C API (ctypes, stdlib only).

    import zari
    with zari.Engine("intents/telecom") as engine:
        r = engine.classify("როგორ შევამოწმო ბალანსი?")
        print(r.intent, r.language, r.reply)
        with engine.session("visitor-1", channel="web") as s:
            print(s.respond("balansimi nece yoxlaya bilerem").reply)

See docs/PYTHON.md. libzari is found through $ZARI_LIBRARY, the source
tree's build directory, or the system (``zari.load_library`` overrides).
"""

from ._api import Action, CallbackWarning, Engine, Handoff, HandoffState, LogLevel, Reply, Session
from ._errors import (
    BusyError,
    ClosedError,
    InputOutputError,
    InternalError,
    InvalidArgumentError,
    LimitError,
    NotFoundError,
    OutOfMemoryError,
    PackError,
    StateError,
    Status,
    ZariError,
)
from ._native import LibraryError, library_path, load_library

__version__ = "0.1.0"


def library_version():
    """Version of the loaded libzari, "MAJOR.MINOR.PATCH"."""
    return load_library().zari_version_string().decode()


def library_version_number():
    """Version of the loaded libzari as MAJOR*10000 + MINOR*100 + PATCH."""
    return load_library().zari_version_number()


def status_str(status):
    """zari_status_str: a short English description of a status code."""
    return load_library().zari_status_str(int(status)).decode()


__all__ = [
    "Action", "BusyError", "CallbackWarning", "ClosedError", "Engine", "Handoff", "HandoffState",
    "InputOutputError",
    "InternalError", "InvalidArgumentError", "LibraryError", "LimitError", "LogLevel",
    "NotFoundError", "OutOfMemoryError", "PackError", "Reply", "Session", "StateError", "Status",
    "ZariError", "library_path", "library_version", "library_version_number", "load_library",
    "status_str",
]
