"""Full-text search over Chinese government reports: Python bindings of baogao.

This module calls the installed baogao C library (``libbaogao.so.0``) through
:mod:`ctypes`; it needs nothing beyond the standard library and compiles
nothing. The library is loaded on first use: from the path in the environment
variable ``BAOGAO_LIBRARY`` if set, else from what
``ctypes.util.find_library("baogao")`` finds, else as ``libbaogao.so.0``
through the dynamic linker's search path. When none loads,
:class:`LibraryError` (a :class:`baogao.Error` and an :class:`ImportError`)
says what was tried.

Example::

    import baogao

    with baogao.Index("/srv/baogao/index") as ix:
        res = ix.search("电子证照", year="2021..2022", limit=5)
        print(res.total, res.facets["year"])
        for hit in res:
            print(hit.rank, hit.report, hit.line, hit.snippet)

Every answer is built from the library's JSON documents, so its field names
are exactly those of ``baogao-query --json`` (docs/http.md): a :class:`Hit`
has ``rank``, ``score``, ``match``, ``report``, ``title``, ``body``, ``year``,
``line``, ``kind`` (the passage's kind: "heading", "paragraph", "measure"),
``section``, ``text``, ``snippet``, ``id``, ``matches``, ``format``, ``date``,
``docno``, ``doc_kind``, ``duplicates`` (and ``page`` for PDF passages).

Errors of the library raise :class:`Error` (``.code`` is the negative
``BG_E*`` code of baogao.h) or one of its subclasses: :class:`NotFound`,
:class:`QueryError`, :class:`Locked`, :class:`TooBig`, :class:`Unavailable`,
:class:`Skipped`. Arguments of the wrong type or out of range raise
:class:`TypeError` or :class:`ValueError` before the library is called.

Threads: an :class:`Index` serialises the calls made through it, so it may be
shared between threads; to search in parallel, open one :class:`Index` per
thread (any number of readers may be open at once, but only one writer per
index).
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import operator
import os
import threading
from collections.abc import Sequence
from typing import (Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union, overload)

from . import _lib
from ._lib import (BG_EDECODE, BG_EINVAL, BG_EIO, BG_ELOCKED, BG_ENOMEM, BG_ENOTFOUND, BG_EPARSE,
                   BG_EQUERY, BG_ESKIPPED, BG_ETOOBIG, BG_EUNAVAILABLE, BG_EXAPIAN, BG_OK)

__version__ = "0.1.0"

__all__ = [
    "Index", "Results", "Hit", "Added", "version", "strerror",
    "Error", "LibraryError", "NotFound", "QueryError", "Locked", "TooBig", "Unavailable",
    "Skipped",
    "BG_OK", "BG_EINVAL", "BG_ENOMEM", "BG_EIO", "BG_EDECODE", "BG_EPARSE", "BG_ENOTFOUND",
    "BG_ELOCKED", "BG_EXAPIAN", "BG_EQUERY", "BG_ETOOBIG", "BG_EUNAVAILABLE", "BG_ESKIPPED",
]

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
YearFilter = Union[None, int, str, Tuple[Optional[int], Optional[int]], range, Iterable[int]]


# ---- errors -----------------------------------------------------------------

class Error(Exception):
    """An error of the baogao library.

    ``code`` is the negative ``BG_E*`` code of baogao.h (``baogao.BG_EINVAL``
    …) and ``message`` (also ``str(e)``) the library's one-line message.
    """

    def __init__(self, message: str, code: int = BG_EINVAL) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code})"

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.code))


class LibraryError(Error, ImportError):
    """The C library could not be loaded; ``tried`` lists what was tried."""

    def __init__(self, message: str, tried: Optional[List[str]] = None) -> None:
        Error.__init__(self, message, BG_ENOTFOUND)
        self.tried = list(tried or [])

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.tried))


class NotFound(Error):
    """BG_ENOTFOUND: no such index, report or passage."""


class QueryError(Error):
    """BG_EQUERY: the query is empty or has nothing to search for."""


class Locked(Error):
    """BG_ELOCKED: the index is locked by another writer."""


class TooBig(Error):
    """BG_ETOOBIG: a size limit was exceeded (query length, term count, context)."""


class Unavailable(Error):
    """BG_EUNAVAILABLE: a remote shard is down or did not answer in time."""


class Skipped(Error):
    """BG_ESKIPPED: a file holds nothing baogao can index."""


_ERROR_CLASSES = {
    BG_ENOTFOUND: NotFound,
    BG_EQUERY: QueryError,
    BG_ELOCKED: Locked,
    BG_ETOOBIG: TooBig,
    BG_EUNAVAILABLE: Unavailable,
    BG_ESKIPPED: Skipped,
}


def _L() -> ctypes.CDLL:
    try:
        return _lib.lib()
    except _lib.LoadError as e:
        raise LibraryError(str(e), e.tried) from None


def _error(code: Optional[int] = None) -> Error:
    """The exception for the calling thread's last library error: call it
    right after the failing call, before any other bg_ function."""
    L = _L()
    raw = L.bg_errmsg()
    if code is None:
        code = L.bg_errcode() or BG_ENOMEM
    msg = raw.decode("utf-8", "replace") if raw else ""
    if not msg:
        s = L.bg_strerror(code)
        msg = s.decode("utf-8", "replace") if s else f"baogao error {code}"
    return _ERROR_CLASSES.get(code, Error)(msg, code)


def version() -> str:
    """The version of the loaded C library (bg_version()), e.g. "0.1.0"."""
    return _L().bg_version().decode("utf-8")


def strerror(code: int) -> str:
    """What a BG_E* code means, in a few words (bg_strerror())."""
    return _L().bg_strerror(int(code)).decode("utf-8", "replace")


# ---- answers ----------------------------------------------------------------

class Hit:
    """One result passage: every field of its JSON object is an attribute
    (``hit.text``, ``hit.report``, ``hit.line``, ``hit.section`` …) and an
    item (``hit["text"]``); ``hit.json`` is the dict itself."""

    __slots__ = ("json",)

    def __init__(self, doc: Dict[str, Any]) -> None:
        self.json: Dict[str, Any] = doc

    def __getattr__(self, name: str) -> Any:
        if name == "json":      # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        try:
            return self.json[name]
        except KeyError:
            raise AttributeError(f"Hit has no field {name!r}") from None

    def __getitem__(self, key: str) -> Any:
        return self.json[key]

    def __contains__(self, key: object) -> bool:
        return key in self.json

    def keys(self) -> Iterable[str]:
        """The JSON fields of the hit."""
        return self.json.keys()

    def get(self, key: str, default: Any = None) -> Any:
        """The field key, or default when the hit has none."""
        return self.json.get(key, default)

    def __dir__(self) -> List[str]:
        return sorted(set(object.__dir__(self)) | set(self.json))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hit) and other.json == self.json

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Dict[str, Any]:
        return self.json

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.json = state

    def __repr__(self) -> str:
        d = self.json
        text = d.get("text") or ""
        if len(text) > 30:
            text = text[:30] + "…"
        where = f"{d.get('report')}:{d.get('line')}"
        return (f"Hit(rank={d.get('rank')!r}, year={d.get('year')!r}, report={where!r}, "
                f"match={d.get('match')!r}, text={text!r})")


class Results(Sequence):
    """A page of results: a sequence of :class:`Hit` (``len()`` is the number
    of hits in this page), with ``total`` (all matching passages: exact when
    ``total_exact``, else an estimate between ``total_lower`` and
    ``total_upper``), ``facets_exact``,
    ``facets`` ({"year": {...}, "body": {...}, "kind": {...}}), ``query``,
    ``missing_shards``, ``suggestions`` (only for a search without results,
    as ``baogao-query --json`` gives them; else None) and ``json``, the whole
    document as parsed."""

    def __init__(self, doc: Dict[str, Any]) -> None:
        self.json: Dict[str, Any] = doc
        self.hits: List[Hit] = [Hit(r) for r in doc.get("results", [])]

    @property
    def total(self) -> int:
        """The number of matching passages in the whole index (exact when
        ``total_exact``, else Xapian's estimate)."""
        return int(self.json.get("total", 0))

    @property
    def total_exact(self) -> bool:
        """Whether ``total`` counts every match (search(exact=True) always)."""
        return bool(self.json.get("total_exact", True))

    @property
    def total_lower(self) -> int:
        """A lower bound of the number of matches (``total`` when exact)."""
        return int(self.json.get("total_lower", self.total))

    @property
    def total_upper(self) -> int:
        """An upper bound of the number of matches (``total`` when exact)."""
        return int(self.json.get("total_upper", self.total))

    @property
    def facets_exact(self) -> bool:
        """Whether the facets count every match, or were scaled from the
        matches counted (every year with a match is listed either way)."""
        return bool(self.json.get("facets_exact", True))

    @property
    def facets(self) -> Dict[str, Dict[str, int]]:
        """Counts over all matching passages by "year", "body" and "kind"."""
        return self.json.get("facets", {})

    @property
    def query(self) -> str:
        """The query (for like() and context(): the ref)."""
        return self.json.get("query", "")

    @property
    def missing_shards(self) -> List[str]:
        """Remote shards this answer was given without (partial answers)."""
        return self.json.get("missing_shards", [])

    @property
    def suggestions(self) -> Optional[List[Dict[str, Any]]]:
        """For a search that found nothing: for each filter, the total without
        it ([{"drop": "year", "total": 3}]); None otherwise."""
        return self.json.get("suggestions")

    def __len__(self) -> int:
        return len(self.hits)

    @overload
    def __getitem__(self, i: int) -> Hit: ...

    @overload
    def __getitem__(self, i: slice) -> List[Hit]: ...

    def __getitem__(self, i: Union[int, slice]) -> Union[Hit, List[Hit]]:
        return self.hits[i]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __repr__(self) -> str:
        return f"<Results query={self.query!r} total={self.total} hits={len(self)}>"


class Added(str):
    """What :meth:`Index.add` did: "new", "updated" or "unchanged" (a str),
    with ``passages``, the report's number of passages (as indexed before
    when unchanged)."""

    passages: int

    def __new__(cls, status: str, passages: int = 0) -> "Added":
        self = super().__new__(cls, status)
        self.passages = passages
        return self


_ADD_STATUS = {_lib.BG_ADD_NEW: "new", _lib.BG_ADD_UPDATED: "updated",
               _lib.BG_ADD_UNCHANGED: "unchanged"}


# ---- arguments --------------------------------------------------------------

def _text(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} holds a NUL character")
    return value.encode("utf-8")


def _ref(value: Any) -> bytes:
    """A passage id or REPORT:LINE (the report a path: encoded as one)."""
    if isinstance(value, str):
        b = value.encode("utf-8", "surrogateescape")
    elif isinstance(value, bytes):
        b = value
    else:
        raise TypeError(f"ref must be a str, not {type(value).__name__}")
    if b"\0" in b:
        raise ValueError("ref holds a NUL character")
    return b


def _path(value: Any) -> bytes:
    b = os.fsencode(value)
    if b"\0" in b:
        raise ValueError("path holds a NUL character")
    if not b:
        raise ValueError("path is empty")
    return b


_SIZE_LIMIT = 1 << (8 * ctypes.sizeof(ctypes.c_size_t))


def _count(value: Any, what: str, low: int) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not bool")
    n = operator.index(value)
    if n < low:
        raise ValueError(f"{what} must be at least {low}, not {n}")
    if n >= _SIZE_LIMIT:    # would wrap around in a size_t
        raise ValueError(f"{what} is too large: {n}")
    return n


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a year must be an int, not {type(value).__name__}")
    if not 1000 <= value <= 9999:
        raise ValueError(f"{value} is not a year (1000..9999)")
    return value


def _parse_year_range(s: str) -> Tuple[int, int]:
    """"2022", "2018..2022", "2018-2022", "..2019", "2016.." -> (from, to),
    0 for an open end; as baogao-query --year reads them."""
    def one(t: str) -> int:
        t = t.strip()
        if len(t) != 4 or not t.isascii() or not t.isdigit() or int(t) < 1000:
            raise ValueError(f"{s!r} is not a year")
        return int(t)

    if ".." in s:
        left, right = s.split("..", 1)
    elif "-" in s:
        left, right = s.split("-", 1)
    else:
        y = one(s)
        return y, y
    if not left.strip() and not right.strip():
        raise ValueError(f"{s!r} is not a year range")
    a = one(left) if left.strip() else 0
    b = one(right) if right.strip() else 0
    if a and b and a > b:
        raise ValueError(f"{s!r}: the range ends before it starts")
    return a, b


def _years(value: YearFilter) -> Tuple[int, int, List[int], bool]:
    """A year filter as (year_from, year_to, years, year_unknown).

    None: all years. An int: that year. A (from, to) tuple: that range, either
    end None for an open one. A range: its years (range(2018, 2023) is
    2018..2022). A list (or set) of ints: those years. A str: "2022",
    "2018..2022", "2018-2022", "..2019", "2016..", a list "2019,2021,2023..2024"
    (closed ranges only), "unknown" or "0000" for reports of unknown year, ""
    for all years."""
    if value is None:
        return 0, 0, [], False
    if isinstance(value, bool):
        raise TypeError("year must be an int, a str, a (from, to) tuple, a range or a list of ints")
    if isinstance(value, int):
        y = _year(value)
        return y, y, [], False
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return 0, 0, [], False
        if s.lower() == "unknown" or s == "0000":
            return 0, 0, [], True
        if "," not in s:
            a, b = _parse_year_range(s)
            return a, b, [], False
        years: List[int] = []
        for item in s.split(","):
            if not item.strip():
                raise ValueError(f"year {value!r}: an empty item in the list")
            a, b = _parse_year_range(item)
            if not a or not b:
                raise ValueError(f"year {value!r}: a list takes closed ranges only ({item!r})")
            years.extend(range(a, b + 1))
        return 0, 0, years, False
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError("a year tuple is (from, to), either end None for an open range")
        a = 0 if value[0] is None else _year(value[0])
        b = 0 if value[1] is None else _year(value[1])
        if a and b and a > b:
            raise ValueError(f"year range {value!r} ends before it starts")
        if not a and not b:
            return 0, 0, [], False
        return a, b, [], False
    if isinstance(value, range):
        if len(value) == 0:
            raise ValueError(f"year {value!r} is empty")
        if value.step == 1:
            return _year(value[0]), _year(value[-1]), [], False
        return 0, 0, [_year(y) for y in value], False
    try:
        items = list(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError("year must be an int, a str, a (from, to) tuple, a range or a list of ints, "
                        f"not {type(value).__name__}") from None
    if not items:
        raise ValueError("year: an empty list of years")
    return 0, 0, [_year(y) for y in items], False


class _Options:
    """A bg_search_options and the buffers it points into (kept alive with it)."""

    def __init__(self, *, limit: int = 10, offset: int = 0, per_year: int = 0,
                 year: YearFilter = None, body: Optional[str] = None, kind: Optional[str] = None,
                 docno: Optional[str] = None, strict: bool = False,
                 all_copies: bool = False, exact: bool = False, count_bound: int = 0) -> None:
        o = _lib.SearchOptions()
        rc = _L().bg_search_options_init(ctypes.byref(o), _lib.BG_SEARCH_OPTIONS_VERSION)
        if rc != 0:
            raise _error(rc)
        o.limit = _count(limit, "limit", 1)
        o.offset = _count(offset, "offset", 0)
        o.per_year = per_year
        o.year_from, o.year_to, years, unknown = _years(year)
        o.year_unknown = 1 if unknown else 0
        self._keep: List[Any] = []
        if years:
            arr = (ctypes.c_int * len(years))(*years)
            self._keep.append(arr)
            o.years = ctypes.cast(arr, ctypes.POINTER(ctypes.c_int))
            o.n_years = len(years)
        for field, value in (("body", body), ("kind", kind), ("docno", docno)):
            if value is not None:
                b = _text(value, field)
                self._keep.append(b)
                setattr(o, field, b)
        o.strict = 1 if strict else 0
        o.all_copies = 1 if all_copies else 0
        o.exact = 1 if exact else 0
        o.count_bound = _count(count_bound, "count_bound", 0)
        self.struct = o

    def ref(self) -> Any:
        return ctypes.byref(self.struct)


def _doc(ptr: Optional[int]) -> Dict[str, Any]:
    """Parses (and frees) a JSON string the library returned."""
    text = _lib.take_string(ptr)
    if text is None:
        raise Error("out of memory", BG_ENOMEM)
    return json.loads(text)


# ---- the index --------------------------------------------------------------


class Index:
    """An open baogao index.

    ``Index(path=None, write=False, create=False, wait=False)`` opens the
    index directory (or shard stub) at path; None means the default location
    ($BAOGAO_DB, else $XDG_DATA_HOME/baogao/index, else
    ~/.local/share/baogao/index). write=True takes the writer lock (a second
    writer, in another process or in this one, raises :class:`Locked`, or
    waits with wait=True); create=True
    creates a missing index (and implies write). Opening a missing index
    without create raises :class:`NotFound`.

    Use it as a context manager, or call :meth:`close`; a closed index raises
    :class:`Error` (code BG_EINVAL). A writer's uncommitted changes are
    discarded at close: call :meth:`commit` first.
    """

    def __init__(self, path: Optional[PathLike] = None, write: bool = False,
                 create: bool = False, wait: bool = False) -> None:
        self._h: Optional[ctypes.c_void_p] = None
        self._lock = threading.RLock()
        L = _L()
        if path is None:
            ptr = L.bg_default_index_path()
            if not ptr:
                raise Error("out of memory", BG_ENOMEM)
            self.path: str = _lib.take_string(ptr) or ""
        else:
            self.path = os.fsdecode(path)
        flags = _lib.BG_OPEN_READ
        if write or create:
            flags |= _lib.BG_OPEN_WRITE
        if create:
            flags |= _lib.BG_OPEN_CREATE
        if wait:
            flags |= _lib.BG_OPEN_WAIT
        self.write: bool = bool(flags & _lib.BG_OPEN_WRITE)
        p = _path(self.path)
        h = ctypes.c_void_p()
        rc = L.bg_index_open(ctypes.byref(h), p, flags)
        if rc != 0:
            err = _error(rc)
            L.bg_index_free(h)
            raise err
        self._h = h

    # -- life cycle

    def close(self) -> None:
        """Closes the index (bg_index_free()); a writer's uncommitted changes
        are discarded. Closing twice is allowed."""
        with self._lock:
            h, self._h = self._h, None
            if h is not None:
                _L().bg_index_free(h)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._h is None

    def __enter__(self) -> "Index":
        self._handle_or_raise()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("write" if self.write else "read")
        return f"<baogao.Index {self.path!r} {state}>"

    def _handle_or_raise(self) -> ctypes.c_void_p:
        if self._h is None:
            raise Error("the baogao index is closed", BG_EINVAL)
        return self._h

    @contextlib.contextmanager
    def _use(self) -> Iterator[ctypes.c_void_p]:
        with self._lock:
            yield self._handle_or_raise()

    # -- searching

    def _results(self, fn: str, text: bytes, opts: Any, suggest: Optional[_Options] = None,
                 ) -> Results:
        L = _L()
        with self._use() as h:
            res = ctypes.c_void_p()
            rc = getattr(L, fn)(ctypes.byref(res), h, text, opts)
            if rc != 0:
                err = _error(rc)
                L.bg_results_free(res)
                raise err
            try:
                empty = L.bg_results_total(res) == 0 and L.bg_results_count(res) == 0
                doc = _doc(L.bg_results_json(res))
                if suggest is not None and empty:
                    # As baogao-query --json: best effort, [] when it fails.
                    s = (_lib.Suggestion * _lib.BG_MAX_SUGGESTIONS)()
                    n = ctypes.c_size_t(0)
                    if L.bg_search_suggest(s, _lib.BG_MAX_SUGGESTIONS, ctypes.byref(n), h, text,
                                           suggest.ref()) != 0:
                        n.value = 0
                    doc["suggestions"] = [{"drop": s[i].drop.decode("utf-8"), "total": s[i].total}
                                          for i in range(n.value)]
            finally:
                L.bg_results_free(res)
        return Results(doc)

    def search(self, query: str, *, limit: int = 10, offset: int = 0, year: YearFilter = None,
               body: Optional[str] = None, kind: Optional[str] = None,
               docno: Optional[str] = None, strict: bool = False,
               all_copies: bool = False, exact: bool = False, count_bound: int = 0) -> Results:
        """Searches the index (bg_search_run()) and returns a page of
        :class:`Results`, the document of ``baogao-query --json``.

        query: words (all must match), "quoted phrase", -excluded, +required,
        a OR b, a AND b, a NOT b, ( ) — docs/query.md. limit (1..) and offset
        page through the results (ranks count the offset). year: an int
        (2022), a (from, to) tuple (either end None), a range, a list of ints,
        or a str ("2022", "2018..2022", "2018-2022", "2019,2021", "unknown").
        body: an issuing body, a short name (国办) or the start of names.
        kind: a kind of document (意见, 通知, 报告…). docno: a 发文字号.
        strict: exact matches only (no all-words / partial matches after
        them). all_copies: every copy of a text indexed several times is a hit.
        exact: count every match (exact ``total`` and ``facets`` however many
        match); by default at least ``count_bound`` (0: 10,000) are counted,
        and beyond them ``total`` is an estimate (``total_exact`` False, with
        ``total_lower`` and ``total_upper``) and the facets are scaled
        (``facets_exact`` False), every year with a match still listed.

        A search that finds nothing has ``suggestions`` (the total without
        each filter). Raises :class:`QueryError` for a query with nothing to
        search for (empty, only exclusions), :class:`TooBig` for one over the
        limits."""
        o = _Options(limit=limit, offset=offset, year=year, body=body, kind=kind, docno=docno,
                     strict=strict, all_copies=all_copies, exact=exact, count_bound=count_bound)
        return self._results("bg_search_run", _text(query, "query"), o.ref(), suggest=o)

    def like(self, ref: str, *, limit: int = 10, offset: int = 0, year: YearFilter = None,
             body: Optional[str] = None, kind: Optional[str] = None,
             docno: Optional[str] = None, strict: bool = False,
             all_copies: bool = False, exact: bool = False, count_bound: int = 0) -> Results:
        """Passages on the same subject as the passage ref, from OTHER years
        (bg_search_like()). ref is a passage id (``hit.id``) or REPORT:LINE
        (the report's path as indexed, or any path to the file, and a 1-based
        line). Filters as for :meth:`search`. Raises :class:`Error` with code
        BG_EINVAL for a malformed ref, :class:`NotFound` when the index holds
        no such passage."""
        o = _Options(limit=limit, offset=offset, year=year, body=body, kind=kind, docno=docno,
                     strict=strict, all_copies=all_copies, exact=exact, count_bound=count_bound)
        return self._results("bg_search_like", _ref(ref), o.ref())

    def context(self, ref: str, context: int = 2) -> Results:
        """The passage ref (as for :meth:`like`) with up to ``context``
        passages before and after it in its report (0..100), in the report's
        order (bg_passage_context()): each hit's ``match`` is "target" for the
        passage asked for and "context" for the others; ``total`` is their
        number; nothing is highlighted and there are no facets."""
        n = _count(context, "context", 0)
        return self._results("bg_passage_context", _ref(ref), ctypes.c_size_t(n))

    def section(self, ref: str) -> Results:
        """The section of the passage ref (as for :meth:`like`), in the
        report's order (bg_section_passages()): its enclosing section's
        heading and every passage under it (a heading's section is its own);
        the passage's ``match`` is "target", the others' "context"."""
        return self._read("bg_section_passages", _ref(ref))

    def report(self, ref: str) -> Results:
        """Every passage of a report, in its order (bg_report_passages()):
        ref is the report's id (the 16 hex digits of its passage ids before
        the ':', also the ``id`` of :meth:`reports`; a hash of the file's
        content, so the same in every index), or a passage id or
        REPORT:LINE of one of its passages, which is then marked "target"."""
        return self._read("bg_report_passages", _ref(ref))

    def _read(self, fn: str, ref: bytes) -> Results:
        L = _L()
        with self._use() as h:
            res = ctypes.c_void_p()
            rc = getattr(L, fn)(ctypes.byref(res), h, ref)
            if rc != 0:
                err = _error(rc)
                L.bg_results_free(res)
                raise err
            try:
                return Results(_doc(L.bg_results_json(res)))
            finally:
                L.bg_results_free(res)

    def by_year(self, query: str, *, per_year: int = 3, year: YearFilter = None,
                body: Optional[str] = None, kind: Optional[str] = None,
                docno: Optional[str] = None, strict: bool = False,
                all_copies: bool = False, exact: bool = False, count_bound: int = 0) -> Dict[str, Any]:
        """Matches grouped by year (bg_search_by_year()): the document of
        ``baogao-query --by-year --json``, {"query", "total", "total_exact",
        "total_lower", "total_upper", "facets_exact", "years": [{"year",
        "total", "total_exact", "results": [...]}], "missing_shards"}; years
        newest first, the best ``per_year`` (1..1000) passages of each; every
        year with a match is listed, its total an estimate when
        ``total_exact`` is False. Filters, exact and count_bound as for
        :meth:`search`."""
        o = _Options(per_year=_count(per_year, "per_year", 1), year=year, body=body, kind=kind,
                     docno=docno, strict=strict, all_copies=all_copies, exact=exact,
                     count_bound=count_bound)
        q = _text(query, "query")
        L = _L()
        with self._use() as h:
            by = ctypes.c_void_p()
            rc = L.bg_search_by_year(ctypes.byref(by), h, q, o.ref())
            if rc != 0:
                err = _error(rc)
                L.bg_byyear_free(by)
                raise err
            try:
                return _doc(L.bg_byyear_json(by))
            finally:
                L.bg_byyear_free(by)

    def figures(self, query: str, *, year: YearFilter = None, body: Optional[str] = None,
                kind: Optional[str] = None, docno: Optional[str] = None,
                strict: bool = False, all_copies: bool = False) -> Dict[str, Any]:
        """The numbers with units next to the query's words, year by year
        (bg_search_figures()): the document of ``baogao-query --figures
        --json``, {"query", "figures": [{"year", "items": [{"value", "text",
        "role", "report", "line", "id"}]}], "missing_shards"}. Filters as for
        :meth:`search`."""
        o = _Options(year=year, body=body, kind=kind, docno=docno, strict=strict,
                     all_copies=all_copies)
        q = _text(query, "query")
        L = _L()
        with self._use() as h:
            f = ctypes.c_void_p()
            rc = L.bg_search_figures(ctypes.byref(f), h, q, o.ref())
            if rc != 0:
                err = _error(rc)
                L.bg_figures_free(f)
                raise err
            try:
                return _doc(L.bg_figures_json(f))
            finally:
                L.bg_figures_free(f)

    def trend(self, query: str, *, by_body: bool = False, year: YearFilter = None,
              body: Optional[str] = None, kind: Optional[str] = None) -> Dict[str, Any]:
        """The query year by year (bg_search_trend()): the document of
        ``baogao-query --trend QUERY --json``, {"query", "years": [{"year",
        "passages", "occurrences", "per_10k"}]} oldest first, every year of
        the index listed; with by_body=True {"query", "bodies": [{"body",
        "years": [...]}]}. Filters as for :meth:`search`."""
        o = _Options(year=year, body=body, kind=kind)
        q = _text(query, "query")
        L = _L()
        with self._use() as h:
            t = ctypes.c_void_p()
            rc = L.bg_search_trend(ctypes.byref(t), h, q, o.ref(), 1 if by_body else 0)
            if rc != 0:
                err = _error(rc)
                L.bg_trend_free(t)
                raise err
            try:
                return _doc(L.bg_trend_json(t))
            finally:
                L.bg_trend_free(t)

    def new_in(self, year: int, *, since: int = 0, limit: int = 30, body: Optional[str] = None,
               kind: Optional[str] = None) -> Dict[str, Any]:
        """The expressions (新提法) year's reports use and no earlier report
        does, best first (bg_search_new()): the document of ``baogao-query
        --new-in YEAR --json``, {"year", "direction": "new", "base_year",
        "since", "compared_years", "other_years", "expressions": [{"text",
        "occurrences", "passage_count", "other_years", "score", "passages"}]}.
        body and kind choose the reports compared; since compares with the
        years from it on. No reports of year (or none before it) raises
        NotFound."""
        return self._novel(year, False, since, limit, body, kind)

    def gone_in(self, year: int, *, since: int = 0, limit: int = 30, body: Optional[str] = None,
                kind: Optional[str] = None) -> Dict[str, Any]:
        """The expressions of the last year before year that year and every
        later year no longer use (``--gone-in YEAR --json``); as
        :meth:`new_in`, "direction": "gone"."""
        return self._novel(year, True, since, limit, body, kind)

    def _novel(self, year: int, gone: bool, since: int, limit: int, body: Optional[str],
               kind: Optional[str]) -> Dict[str, Any]:
        o = _Options(body=body, kind=kind)
        no = _lib.NovelOptions(1, 1 if gone else 0, int(since), int(limit), 3)
        L = _L()
        with self._use() as h:
            n = ctypes.c_void_p()
            rc = L.bg_search_new(ctypes.byref(n), h, int(year), ctypes.byref(no), o.ref())
            if rc != 0:
                err = _error(rc)
                L.bg_novel_free(n)
                raise err
            try:
                return _doc(L.bg_novel_json(n))
            finally:
                L.bg_novel_free(n)

    def compare(self, query: str, year_a: int, year_b: int, *, body: Optional[str] = None,
                kind: Optional[str] = None, docno: Optional[str] = None,
                all_copies: bool = False) -> Dict[str, Any]:
        """The query's passages of two years side by side
        (bg_search_compare()): the document of ``baogao-query --compare A B
        QUERY --json``, {"query", "years": [A, B], "totals", "truncated",
        "pairs": [{"a", "b", "status", "similarity", "section_match"}],
        "figures", "missing_shards"}."""
        o = _Options(body=body, kind=kind, docno=docno, all_copies=all_copies)
        q = _text(query, "query")
        L = _L()
        with self._use() as h:
            c = ctypes.c_void_p()
            rc = L.bg_search_compare(ctypes.byref(c), h, q, int(year_a), int(year_b), o.ref())
            if rc != 0:
                err = _error(rc)
                L.bg_compare_free(c)
                raise err
            try:
                return _doc(L.bg_compare_json(c))
            finally:
                L.bg_compare_free(c)

    # -- what the index holds

    def reports(self) -> List[Dict[str, Any]]:
        """The committed catalogue of reports (bg_index_reports_json()),
        newest year first then by path: [{"report", "title", "body", "year",
        "passages", "date", "docno", "kind", "duplicate_of"}, ...]."""
        L = _L()
        with self._use() as h:
            p = L.bg_index_reports_json(h)
            if not p:
                raise _error()
            return _doc(p).get("reports", [])

    def status(self) -> Dict[str, Any]:
        """The index's health (bg_index_status_json()): {"status": "ok",
        "revision": N, "shards": S, "missing_shards": [...]}."""
        L = _L()
        with self._use() as h:
            p = L.bg_index_status_json(h)
            if not p:
                raise _error()
            return _doc(p)

    def revision(self) -> int:
        """A number that changes whenever a commit changes the index
        (bg_index_revision()); only equality is meaningful."""
        L = _L()
        with self._use() as h:
            out = ctypes.c_uint64(0)
            rc = L.bg_index_revision(ctypes.byref(out), h)
            if rc != 0:
                raise _error(rc)
            return out.value

    # -- writing (write=True)

    def add(self, path: PathLike, *, title: Optional[str] = None, body: Optional[str] = None,
            year: int = 0) -> Added:
        """Indexes the report file at path, replacing its earlier passages
        (bg_index_add_file()); returns "new", "updated" or "unchanged" (an
        :class:`Added`, whose ``passages`` is the report's number of
        passages). The file is identified by its real path, and results
        show that path; its passages' ids by its content (the same bytes
        have the same ids in every index; an edited file gets new ones). title, body and year override what is detected
        from the text and a MANIFEST.tsv beside the file. Visible after
        :meth:`commit`. Raises :class:`Error` (BG_EIO, BG_EDECODE …, naming
        the file), :class:`TooBig`, :class:`Skipped` (nothing to index); a
        failure after writing part of the report discards every uncommitted
        change (the message says so)."""
        L = _L()
        p = _path(path)
        info = _lib.ReportInfo()
        rc = L.bg_report_info_init(ctypes.byref(info), _lib.BG_REPORT_INFO_VERSION)
        if rc != 0:
            raise _error(rc)
        keep = []
        for field, value in (("title", title), ("body", body)):
            if value is not None:
                b = _text(value, field)
                keep.append(b)
                setattr(info, field, b)
        if year:
            info.year = _year(year)
        with self._use() as h:
            status = ctypes.c_int(0)
            n = ctypes.c_size_t(0)
            rc = L.bg_index_add_file(ctypes.byref(status), ctypes.byref(n), h, p,
                                     ctypes.byref(info))
            if rc != 0:
                raise _error(rc)
        return Added(_ADD_STATUS.get(status.value, str(status.value)), n.value)

    def remove(self, path: PathLike) -> None:
        """Removes the report file at path (its real path, or the path as
        indexed if the file is gone) (bg_index_remove_file()); raises
        :class:`NotFound` if it is not in the index. Visible after
        :meth:`commit`."""
        L = _L()
        p = _path(path)
        with self._use() as h:
            rc = L.bg_index_remove_file(h, p)
            if rc != 0:
                raise _error(rc)

    def commit(self) -> None:
        """Makes every change since the last commit visible at once
        (bg_index_commit())."""
        L = _L()
        with self._use() as h:
            rc = L.bg_index_commit(h)
            if rc != 0:
                raise _error(rc)
