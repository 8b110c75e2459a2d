"""Reading the first sheet of an Excel file (the customer import): plain functions, no ORM."""

from contextlib import contextmanager

from openpyxl import load_workbook


def sheet_rows(source, first_row=1):
    """(row number, cell values) of the first sheet from ``first_row`` on, read as a stream:
    ``source`` is a file path or a binary file object, and only the row being read is held in
    memory (openpyxl's read-only mode; blank rows come as rows of None)."""
    with _first_sheet(source) as sheet:
        sheet.reset_dimensions()  # to the last row there is, whatever size the file states
        rows = sheet.iter_rows(min_row=first_row, values_only=True)
        yield from enumerate(rows, start=first_row)


def sheet_row_count(source):
    """Rows of the first sheet as its file states them (its dimension), 0 when it does not."""
    with _first_sheet(source) as sheet:
        try:
            return sheet.max_row or 0
        except (TypeError, ValueError):
            return 0


@contextmanager
def _first_sheet(source):
    # a path is opened here: openpyxl wants a path to end in .xlsx, and the file store's do not
    stream = open(source, "rb") if isinstance(source, str) else source  # noqa: SIM115
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        try:
            yield workbook.worksheets[0]
        finally:
            workbook.close()
    finally:
        if stream is not source:
            stream.close()


def map_header(header, columns):
    """{cell index: column key} of a header row whose cells name ``columns``, (key, Chinese
    label, English label) triples, by either label; the * of a required column is ignored."""
    by_label = {}
    for key, zh_label, en_label in columns:
        by_label[zh_label] = key
        by_label[en_label.lower()] = key
    keys = {}
    for index, label in enumerate(header):
        text = cell_text(label).rstrip("*").strip()
        key = by_label.get(text) or by_label.get(text.lower())
        if key:
            keys[index] = key
    return keys


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers typed as numbers
    return str(value).strip()
