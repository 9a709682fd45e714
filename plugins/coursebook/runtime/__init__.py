"""Browser runtime (package data): coursebook.js saves answers, coursebook.css styles worksheets."""
