"""``coursebook answers extract`` on PDFs that are not a filled workbook of this course: one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from coursebook.pdf.extract import read_pdf_fields
from pypdf import PdfWriter

from tests.coach.conftest import cli
from tests.conftest import FIXTURES

CONFIG = str(FIXTURES / "site" / "mkdocs.yml")


def extract(pdf: Path) -> tuple[int, list[str], str]:
    result = cli("answers", "extract", str(pdf), "-f", CONFIG)
    return result.exit_code, result.stderr.splitlines(), result.stdout


def test_a_plain_pdf_without_fields(tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    weasyprint.HTML(string="<h1>Dear client</h1><p>No form here.</p>").write_pdf(pdf)
    code, err, out = extract(pdf)
    assert code == 1
    assert err == [
        f"{pdf}: the PDF has no form fields (expected the fillable workbook, not the print version)"
    ]
    assert out == ""


def test_a_form_of_something_else(tmp_path: Path) -> None:
    pdf = tmp_path / "tax-form.pdf"
    html = '<form><input name="taxpayer" value="x"><input name="year:2024"><input type="checkbox" name="married"></form>'
    weasyprint.HTML(string=html).write_pdf(pdf, pdf_forms=True)
    code, err, _ = extract(pdf)
    assert code == 1
    assert err == [
        f"{pdf}: none of its 3 form fields belong to this course's worksheets "
        "(found married, taxpayer, year:2024); is it the workbook of another course?"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "coursebook-answers"}', "not a readable PDF"),
        (b"%PDF-1.7\n1 0 obj\n<<", "not a readable PDF"),
    ],
)
def test_files_that_are_not_pdfs(tmp_path: Path, content: bytes, message: str) -> None:
    pdf = tmp_path / "answers.pdf"
    pdf.write_bytes(content)
    code, err, _ = extract(pdf)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"{pdf}: {message}"), err


def test_a_missing_file(tmp_path: Path) -> None:
    code, err, _ = extract(tmp_path / "nowhere.pdf")
    assert code == 1
    assert err == [f"{tmp_path / 'nowhere.pdf'}: no such file"]


def test_a_password_protected_pdf(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    weasyprint.HTML(string="<p>x</p>").write_pdf(plain)
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="secret", algorithm="AES-256")
    writer.write(tmp_path / "locked.pdf")
    code, err, _ = extract(tmp_path / "locked.pdf")
    assert code == 1
    assert err == [
        f"{tmp_path / 'locked.pdf'}: the PDF is password-protected; save an unprotected copy first"
    ]


def test_weasyprint_radio_groups_read_as_their_export_values(tmp_path: Path) -> None:
    """Without the workbook's finisher, WeasyPrint names states /0, /1 and keeps values in /Opt."""
    html = """<form>
      <input type="radio" name="every-field:stance" value="Curious">
      <input type="radio" name="every-field:stance" value="Hurried" checked>
      <input type="checkbox" name="every-field:sources:2" checked>
      <textarea name="every-field:story">one</textarea>
    </form>"""
    pdf = tmp_path / "raw.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf, pdf_forms=True)
    # a viewer on Windows ends the lines of a multi-line field with \r
    writer = PdfWriter(clone_from=pdf)
    writer.update_page_form_field_values(
        None, {"every-field:story": "one\rtwo\r\nthree"}, auto_regenerate=False
    )
    writer.write(tmp_path / "edited.pdf")
    assert read_pdf_fields(tmp_path / "edited.pdf") == {
        "every-field:stance": "Hurried",
        "every-field:sources:2": True,
        "every-field:story": "one\ntwo\nthree",
    }
    code, err, out = extract(tmp_path / "edited.pdf")
    assert code == 0, err
    assert '"stance": "Hurried"' in out
    assert '"sources": [\n' in out and '"alumni"' in out
