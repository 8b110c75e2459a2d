"""Reading the first sheet of an Excel file (the customer import): plain functions, no ORM."""

from contextlib import contextmanager

from openpyxl import load_workbook


@contextmanager
def first_sheet(source):
    """The first sheet of an Excel file in openpyxl's read-only mode (its rows are read as a
    stream, only the row being read in memory); ``source`` is a file path or a binary file
    object. Open it once per read: opening loads the file's table of shared strings."""
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


def stated_row_count(sheet):
    """Rows of ``sheet`` as its file states them (its dimension), 0 when it does not; read it
    before numbered_rows, which forgets that size."""
    try:
        return sheet.max_row or 0
    except (TypeError, ValueError):
        return 0


def header_row(sheet):
    """The cell values of the first row of ``sheet``, () when it has none."""
    return next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())


def numbered_rows(sheet, first_row=2):
    """(row number, cell values) of ``sheet`` from ``first_row`` on (blank rows come as rows of
    None), to the last row there is, whatever size the file states."""
    sheet.reset_dimensions()
    return enumerate(sheet.iter_rows(min_row=first_row, values_only=True), start=first_row)


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
