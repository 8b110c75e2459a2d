"""Reading the first sheet of an Excel file (the customer import): plain functions, no ORM."""

import io


def sheet_rows(data):
    """Cell values of the first sheet, row by row. Like base_import: with xlrd where it reads
    .xlsx (xlrd 1.2, twice as fast here), else with openpyxl."""
    try:
        from xlrd import xlsx  # noqa: F401
    except ImportError:
        return openpyxl_rows(data)
    return xlrd_rows(data)


def xlrd_rows(data):
    """Rows as openpyxl gives them: dates as datetimes, booleans as booleans, errors as None."""
    import xlrd  # noqa: PLC0415

    book = xlrd.open_workbook(file_contents=data)
    sheet = book.sheet_by_index(0)
    converters = {
        xlrd.XL_CELL_DATE: lambda value: xlrd.xldate.xldate_as_datetime(value, book.datemode),
        xlrd.XL_CELL_BOOLEAN: bool,
        xlrd.XL_CELL_ERROR: lambda value: None,
    }
    for index in range(sheet.nrows):
        values, types = sheet.row_values(index), sheet.row_types(index)
        if converters.keys() & set(types):
            values = [
                converters[ctype](value) if ctype in converters else value
                for value, ctype in zip(values, types, strict=True)
            ]
        yield values


def openpyxl_rows(data):
    from openpyxl import load_workbook  # noqa: PLC0415

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    yield from workbook.worksheets[0].iter_rows(values_only=True)
    workbook.close()


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
