"""Every sentence the browser runtime shows, as text with ``{placeholders}``; a course may override any."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: dict[str, str] = {
    "saved": "Saved at {time}",
    "unsaved": "Not saved in this browser",
    "full": "This browser's storage for the site is full, so your latest answers are kept on this page only: use Export to keep them in a file.",
    "blocked": "This browser is not letting the site save answers (site data may be blocked, as in some private windows), so your latest answers are kept on this page only: use Export to keep them in a file.",
    "aside": "Saved answers to “{title}” could not be read, so they were set aside unchanged (browser storage key “{key}”).",
    "stuck": "Saved answers to “{title}” could not be read or set aside, so nothing will be saved over them. Use Export to keep what you type now.",
    "progress": "{done} of {total} answered",
    "exported": "Exported answers for {count} worksheet(s)",
    "imported": "Imported answers for {count} worksheet(s)",
    "cleared": "Answers cleared",
    "from": "“{file}”:",
    "from_other": "“{file}” comes from another course (“{course}”):",
    "change": "{title}: {merge} answer(s) change if you merge, {replace} if you replace.",
    "not_here": "{title} (not in this course: kept and exported)",
    "refused": "Nothing was imported: “{file}” {reason}",
    "not_json": "is not valid JSON.",
    "not_answers": "is not a coursebook answers file.",
    "format_version": "uses answers format version {version}; this site reads version 1.",
    "no_worksheets": "has no “worksheets” object.",
    "bad_worksheet": "has no usable answers for worksheet “{id}”.",
    "bad_value": "has an unusable value for worksheet “{id}”, field “{field}”.",
    "none_for": "has no answers for “{title}”.",
    "none": "has no answers in it.",
}
"""Message id -> English text; ``{name}`` marks a value the runtime fills in (as text, never HTML)."""


def runtime_messages(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The defaults with a course's own wording over them; raises ``KeyError`` naming an unknown id."""
    unknown = sorted(set(overrides or {}) - set(MESSAGES))
    if unknown:
        raise KeyError(
            f"unknown message id(s): {', '.join(unknown)} (expected one of: {', '.join(MESSAGES)})"
        )
    return {**MESSAGES, **(overrides or {})}
