"""Drive the fixture worksheet ``every-field``: fill every control, read every control back."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page

FORM = "form[data-worksheet='every-field']"

# what fill_every_field types, as the answers file holds it
EVERY_VALUE: dict[str, Any] = {
    "name": "Sam Ortega",
    "story": "Line one\nLine two, with “quotes” & <angle> brackets",
    "industries": ["solar", "wind", "storage", "grid"],
    "sources": ["alumni"],
    "stance": "Hurried",
    "confidence": 4,
    "deadline": "2025-03-14",
    "log": [
        {"who": "Ana", "when": "2025-02-01", "notes": "Met at a café.\nKind.", "thanked": True},
        {"who": "Ben", "when": "", "notes": "", "thanked": False},
        {"who": "Chloé", "when": "2025-02-20", "notes": "", "thanked": True},
    ],
}


def form(page: Page) -> Locator:
    return page.locator(FORM)


def fill_every_field(page: Page) -> None:
    """Type EVERY_VALUE into the form the way a learner would (adding rows as needed)."""
    f = form(page)
    f.get_by_label("Your name").fill(EVERY_VALUE["name"])
    f.get_by_label("Your story so far").fill(EVERY_VALUE["story"])
    f.get_by_role("button", name="Add Industry").click()
    for n, text in enumerate(EVERY_VALUE["industries"], start=1):
        f.get_by_label(f"Industry {n}", exact=True).fill(text)
    f.get_by_label("School alumni network").check()
    f.get_by_label("Hurried").check()
    f.get_by_role("radio", name="4", exact=True).check()
    f.get_by_label("Deadline").fill(EVERY_VALUE["deadline"])
    f.get_by_role("button", name="Add Conversation").click()
    for n, row in enumerate(EVERY_VALUE["log"], start=1):
        group = f.get_by_role("group", name=f"Conversation {n}", exact=True)
        group.get_by_label("Who").fill(row["who"])
        if row["when"]:
            group.get_by_label("Date").fill(row["when"])
        if row["notes"]:
            group.get_by_label("Notes").fill(row["notes"])
        if row["thanked"]:
            group.get_by_label("Thank-you sent").check()


READ_JS = """form => {
  const out = {};
  for (const f of form.querySelectorAll('[data-field]')) {
    const t = f.dataset.type, ins = [...f.querySelectorAll('input, textarea')];
    const rows = [...f.querySelectorAll('[data-rows] > [data-row]')];
    if (t === 'list') out[f.dataset.field] = rows.map(r => r.querySelector('input').value);
    else if (t === 'table') out[f.dataset.field] = rows.map(r => Object.fromEntries(
      [...r.querySelectorAll('[data-column]')].map(c => {
        const x = c.querySelector('input, textarea');
        return [c.dataset.column, x.type === 'checkbox' ? x.checked : x.value];
      })));
    else if (t === 'checklist') out[f.dataset.field] = ins.filter(i => i.checked).map(i => i.value);
    else if (t === 'choice' || t === 'scale') {
      const on = ins.find(i => i.checked);
      out[f.dataset.field] = on ? (t === 'scale' ? +on.value : on.value) : null;
    } else out[f.dataset.field] = ins[0].value;
  }
  return out;
}"""


def read_form(page: Page, selector: str = FORM) -> dict[str, Any]:
    """What the controls of a worksheet show right now, in answers-file shape."""
    result: dict[str, Any] = page.locator(selector).evaluate(READ_JS)
    return result


def wait_saved(page: Page, selector: str = FORM) -> None:
    """Wait until the worksheet's status says it saved."""
    page.locator(f"{selector} [data-status]").filter(has_text="Saved at").wait_for()


def stored(page: Page, key: str) -> Any:
    """The parsed localStorage document under ``key`` (None if absent)."""
    return page.evaluate("k => JSON.parse(localStorage.getItem(k))", key)
