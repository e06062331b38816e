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
            cells[cell.coordinate] = {
                "value": value, "type": cell.data_type, "format": cell.number_format, "font": cell.font.name,
            }
    refs = []
    for chart in ws._charts:
        for series in chart.series:
            for ref in (series.xVal, series.yVal, series.cat, series.val):
                data = getattr(ref, "numRef", None) or getattr(ref, "strRef", None)
                if data is not None and data.f:
                    refs.append(data.f)
    setup = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr
    out["sheets"].append({
        "state": ws.sheet_state,
        "chart_refs": refs,
        "page": {
            "paper": setup.paperSize,
            "orientation": setup.orientation,
            "fit_to_page": bool(fit and fit.fitToPage),
            "fit_width": setup.fitToWidth,
            "fit_height": setup.fitToHeight,
            "print_titles": ws.print_title_rows,
            "print_area": ws.print_area,
            "header": [ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text],
            "footer": [ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text],
        },
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
