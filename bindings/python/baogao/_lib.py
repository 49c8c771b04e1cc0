"""ctypes declarations of the baogao C library (include/baogao.h).

Private to the ``baogao`` package: the library is loaded on first use by
:func:`lib`, from ``$BAOGAO_LIBRARY`` if set, else from what
``ctypes.util.find_library("baogao")`` finds, else ``libbaogao.so.0`` through
the dynamic linker's search path.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import POINTER, Structure, c_char_p, c_int, c_size_t, c_uint, c_uint64, c_void_p
from typing import List, Optional

# ---- constants of baogao.h ---------------------------------------------------

BG_OK = 0
BG_EINVAL = -1
BG_ENOMEM = -2
BG_EIO = -3
BG_EDECODE = -4
BG_EPARSE = -5
BG_ENOTFOUND = -6
BG_ELOCKED = -7
BG_EXAPIAN = -8
BG_EQUERY = -9
BG_ETOOBIG = -10
BG_EUNAVAILABLE = -11
BG_ESKIPPED = -12

BG_OPEN_READ = 0
BG_OPEN_WRITE = 1
BG_OPEN_CREATE = 2
BG_OPEN_WAIT = 4

BG_ADD_NEW = 1
BG_ADD_UPDATED = 2
BG_ADD_UNCHANGED = 3

BG_REPORT_INFO_VERSION = 1
BG_SEARCH_OPTIONS_VERSION = 2
BG_MAX_SUGGESTIONS = 5
BG_MAX_CONTEXT = 100


class SearchOptions(Structure):
    """struct bg_search_options, field for field (version 2)."""

    _fields_ = [
        ("version", c_uint),
        ("offset", c_size_t),
        ("limit", c_size_t),
        ("year_from", c_int),
        ("year_to", c_int),
        ("body", c_char_p),
        ("per_year", c_size_t),
        ("kind", c_char_p),
        ("docno", c_char_p),
        ("all_copies", c_int),
        ("year_unknown", c_int),
        ("body_unknown", c_int),
        ("years", POINTER(c_int)),
        ("n_years", c_size_t),
        ("strict", c_int),
        ("exact", c_int),
        ("count_bound", c_size_t),
    ]


class NovelOptions(Structure):
    """struct bg_novel_options (version 1)."""

    _fields_ = [
        ("version", c_uint),
        ("gone", c_int),
        ("since", c_int),
        ("limit", c_size_t),
        ("passages", c_size_t),
    ]


class ReportInfo(Structure):
    """struct bg_report_info (version 1)."""

    _fields_ = [
        ("version", c_uint),
        ("title", c_char_p),
        ("body", c_char_p),
        ("year", c_int),
    ]


class Suggestion(Structure):
    """struct bg_suggestion."""

    _fields_ = [
        ("drop", c_char_p),
        ("total", c_size_t),
    ]


# Opaque handles are passed around as c_void_p.
_P = c_void_p
_PP = POINTER(c_void_p)

# name: (restype, argtypes)
_PROTOTYPES = {
    "bg_errmsg": (c_char_p, []),
    "bg_errcode": (c_int, []),
    "bg_strerror": (c_char_p, [c_int]),
    "bg_version": (c_char_p, []),
    "bg_free": (None, [c_void_p]),
    # strings the caller owns come back as c_void_p so they can be bg_free()d
    "bg_default_index_path": (c_void_p, []),
    "bg_index_open": (c_int, [_PP, c_char_p, c_uint]),
    "bg_index_free": (None, [_P]),
    "bg_report_info_init": (c_int, [POINTER(ReportInfo), c_uint]),
    "bg_index_add_file": (c_int, [POINTER(c_int), POINTER(c_size_t), _P, c_char_p,
                                  POINTER(ReportInfo)]),
    "bg_index_remove_file": (c_int, [_P, c_char_p]),
    "bg_index_commit": (c_int, [_P]),
    "bg_index_reports_json": (c_void_p, [_P]),
    "bg_index_revision": (c_int, [POINTER(c_uint64), _P]),
    "bg_index_status_json": (c_void_p, [_P]),
    "bg_search_options_init": (c_int, [POINTER(SearchOptions), c_uint]),
    "bg_search_run": (c_int, [_PP, _P, c_char_p, POINTER(SearchOptions)]),
    "bg_results_free": (None, [_P]),
    "bg_results_total": (c_size_t, [_P]),
    "bg_results_count": (c_size_t, [_P]),
    "bg_results_json": (c_void_p, [_P]),
    "bg_search_suggest": (c_int, [POINTER(Suggestion), c_size_t, POINTER(c_size_t), _P,
                                  c_char_p, POINTER(SearchOptions)]),
    "bg_search_by_year": (c_int, [_PP, _P, c_char_p, POINTER(SearchOptions)]),
    "bg_byyear_free": (None, [_P]),
    "bg_byyear_json": (c_void_p, [_P]),
    "bg_search_figures": (c_int, [_PP, _P, c_char_p, POINTER(SearchOptions)]),
    "bg_figures_free": (None, [_P]),
    "bg_figures_json": (c_void_p, [_P]),
    "bg_search_trend": (c_int, [_PP, _P, c_char_p, POINTER(SearchOptions), c_int]),
    "bg_trend_free": (None, [_P]),
    "bg_trend_json": (c_void_p, [_P]),
    "bg_search_like": (c_int, [_PP, _P, c_char_p, POINTER(SearchOptions)]),
    "bg_search_new": (c_int, [_PP, _P, c_int, POINTER(NovelOptions), POINTER(SearchOptions)]),
    "bg_novel_free": (None, [_P]),
    "bg_novel_json": (c_void_p, [_P]),
    "bg_search_compare": (c_int, [_PP, _P, c_char_p, c_int, c_int, POINTER(SearchOptions)]),
    "bg_compare_free": (None, [_P]),
    "bg_compare_json": (c_void_p, [_P]),
    "bg_passage_context": (c_int, [_PP, _P, c_char_p, c_size_t]),
    "bg_section_passages": (c_int, [_PP, _P, c_char_p]),
    "bg_report_passages": (c_int, [_PP, _P, c_char_p]),
}

_lib: Optional[ctypes.CDLL] = None
_lock = threading.Lock()


class LoadError(Exception):
    """Raised by :func:`lib` when no candidate could be loaded (the package
    turns it into :class:`baogao.LibraryError`)."""

    def __init__(self, message: str, tried: List[str]) -> None:
        super().__init__(message)
        self.tried = tried


def candidates() -> List[str]:
    """The library files or names tried, in order."""
    env = os.environ.get("BAOGAO_LIBRARY")
    if env:
        return [env]
    found = ctypes.util.find_library("baogao")
    names = [found] if found else []
    if "libbaogao.so.0" not in names:
        names.append("libbaogao.so.0")
    return names


def _declare(cdll: ctypes.CDLL) -> None:
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(cdll, name)
        fn.restype = restype
        fn.argtypes = argtypes


def lib() -> ctypes.CDLL:
    """The loaded C library, with its functions' prototypes declared."""
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = candidates()
        errors = []
        for name in tried:
            try:
                cdll = ctypes.CDLL(name)
            except OSError as e:
                errors.append(f"{name}: {e}")
                continue
            try:
                _declare(cdll)
            except AttributeError as e:
                errors.append(f"{name}: not a baogao library this module can use ({e})")
                continue
            _lib = cdll
            return cdll
        how = ("$BAOGAO_LIBRARY" if os.environ.get("BAOGAO_LIBRARY")
               else 'ctypes.util.find_library("baogao") and the default name')
        raise LoadError(
            "cannot load the baogao C library (tried " + how + "): " + "; ".join(errors)
            + ". Install libbaogao or set BAOGAO_LIBRARY to the path of libbaogao.so.0.",
            tried)


def take_string(ptr: Optional[int]) -> Optional[str]:
    """Copies a string the caller owns out of the library and bg_free()s it."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8", "surrogateescape")
    finally:
        lib().bg_free(ptr)
