"""Typed errors. Every error mealplan raises on purpose is a :class:`MealplanError`.

Messages never contain an API key: the client redacts it before an error is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # errors stay importable without pydantic
    from mealplan.domain.diagnosis import Diagnosis


class MealplanError(Exception):
    """Base class of every error raised on purpose by mealplan.

    Errors pickle with their attributes (a process pool sends them back to the caller), even
    where ``__init__`` takes other arguments than the message: the copy is rebuilt from the
    message and the attributes, without calling ``__init__`` again.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (type(self), self.args, dict(self.__dict__)))


def _rebuild_error(
    cls: type[MealplanError], args: tuple[Any, ...], state: dict[str, Any]
) -> MealplanError:
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class FdcError(MealplanError):
    """A problem talking to FoodData Central or reading what it sent."""


class FdcAuthError(FdcError):
    """401/403: the API key is missing, invalid or blocked."""


class FdcNotFoundError(FdcError):
    """404: FDC has no such food (or the URL is wrong)."""

    def __init__(self, message: str, fdc_id: int | None = None) -> None:
        super().__init__(message)
        self.fdc_id = fdc_id


class FdcRateLimitError(FdcError):
    """429 after the retries were spent, or the hourly budget is exhausted."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        #: Seconds to wait before trying again, when FDC said so.
        self.retry_after = retry_after


class FdcUnavailableError(FdcError):
    """The network failed or FDC answered 5xx, and the retries were spent."""


class FdcResponseError(FdcError):
    """FDC answered with a body that is not JSON or not the expected shape."""

    def __init__(self, message: str, fdc_id: int | None = None, excerpt: str = "") -> None:
        super().__init__(message)
        self.fdc_id = fdc_id
        self.excerpt = excerpt


class OfflineCacheMissError(FdcError):
    """Offline mode: the cache lacks foods, and no network call was allowed to fetch them."""

    def __init__(self, missing_ids: list[int]) -> None:
        self.missing_ids = sorted(missing_ids)
        shown = ", ".join(str(i) for i in self.missing_ids[:20])
        more = f" and {len(self.missing_ids) - 20} more" if len(self.missing_ids) > 20 else ""
        super().__init__(
            f"offline mode: {len(self.missing_ids)} food(s) not in the cache: {shown}{more}. "
            "Import FDC bulk files with `mealplan cache import PATH`, or go online "
            "(unset MEALPLAN_OFFLINE)."
        )


class FdcResponseTooLargeError(FdcResponseError):
    """FDC's answer (after decompression) is larger than the client accepts for that call.

    ``limit`` is the cap in bytes and ``path`` the API path (never the key, never the query).
    """

    def __init__(self, message: str, *, limit: int, path: str, fdc_id: int | None = None) -> None:
        super().__init__(message, fdc_id=fdc_id)
        self.limit = limit
        self.path = path


class FdcRedirectError(FdcResponseError):
    """FDC answered with a redirect (3xx); the client follows none, so the key goes nowhere else.

    ``location`` is the redirect target as FDC sent it, with the key redacted.
    """

    def __init__(self, message: str, *, status: int, location: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.location = location


class FdcDeadlineError(FdcUnavailableError):
    """FDC's answer did not arrive in full within the call's time budget (e.g. a slow drip)."""


class BulkImportError(MealplanError):
    """A bulk file is not one of the FDC formats mealplan reads, or is damaged."""


class CacheError(MealplanError):
    """The user cache folder is unusable (not a folder, not writable, a symlinked subfolder)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class InfeasiblePlanError(MealplanError):
    """No plan meets the targets with these foods and preferences; ``diagnosis`` says why.

    ``diagnosis`` is a :class:`mealplan.Diagnosis` (JSON-ready); ``str(error)`` is its
    plain-language summary.
    """

    def __init__(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis
        super().__init__(diagnosis.message)


class PlannerError(MealplanError, ValueError):
    """A planner argument is invalid (the message names the argument and the allowed values)."""


class SolverError(MealplanError):
    """The solver is unavailable or failed (not an infeasible model)."""


class UnknownFoodError(PlannerError):
    """Preferences name food ids the catalogue does not have.

    Raised for ``locks`` always, and for ``exclude_foods``, ``dislikes`` and ``likes`` when the
    planner is strict (``Planner(..., strict=True)``; otherwise a WARNING is logged). ``unknown``
    maps each field (``"preferences.locks"``) to the ids it names that the catalogue lacks.
    """

    def __init__(self, message: str, unknown: dict[str, list[object]]) -> None:
        super().__init__(message)
        self.unknown = unknown


class OutputPathError(MealplanError, ValueError):
    """An output path mealplan refuses to write: it exists and is not what was asked for (a
    device, FIFO, socket or folder where a file is expected; a file where a folder is expected).

    Raised before anything is written; ``path`` is the path and ``reason`` says why.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OutputWriteError(MealplanError, OSError):
    """Writing an output failed (read-only folder, full disk, a parent path that is a file).

    ``path`` is the output that could not be written and ``reason`` the system's explanation;
    nothing of a half-written output is left behind.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
