"""Reads a workbook with openpyxl (an independent reader) and prints what the Swift tests check, as JSON."""
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": [], "properties": {"title": book.properties.title, "creator": book.properties.creator}}
for ws in book.worksheets:
    cells = {}
    for row in ws.iter_rows(max_row=min(ws.max_row, 400)):
        for cell in row:
            if cell.value is None:
                continue
            value = cell.value
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            cells[cell.coordinate] = {"value": value, "type": cell.data_type, "format": cell.number_format}
    out["sheets"].append({
        "name": ws.title,
        "max_row": ws.max_row,
        "max_column": ws.max_column,
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "charts": len(ws._charts),
        "conditional_formats": len(ws.conditional_formatting),
        "cells": cells,
    })
print(json.dumps(out, ensure_ascii=False))
