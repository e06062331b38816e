import Foundation
import QFlowStore

extension ReportWriter {
    /// Column names of the long sheet (also long.csv's header; identifiers that SPSS, R and Stata read as-is).
    static let longColumns = [
        "run_id", "subject_id", "room", "time", "protocol", "version", "run_status", "phase", "item", "status",
        "value", "number", "outcome", "why", "answered_at", "user", "role",
    ]

    /// One row per answer, streamed from SQLite in constant memory.
    func longSheet(_ w: Writing, _ raw: (cohort: String?, protocols: [String])) throws {
        let sheet = try w.book.addWorksheet(language.text(zh: "数据（长格式）", en: "Data (long)"))
        try sheet.widths([10, 14, 8, 22, 24, 8, 10, 14, 24, 14, 24, 10, 10, 30, 22, 14, 18])
        try sheet.row(0, Self.longColumns.map { .text($0) }, format: .header)
        sheet.freeze(rows: 1)
        var rows = RowCursor(first: 1)
        let cohort = try cohort(raw.cohort)
        let total = progressWanted ? try? store.countAnswers(in: cohort, protocols: raw.protocols) : nil
        try forEachAnswer(in: cohort, protocols: raw.protocols) { a in
            try sheet.row(rows.take(), longRow(w, a))
            if rows.next % 5_000 == 0 { progress(rows.next, total) }
        }
        try sheet.autofilter(headerRow: 0, lastRow: rows.last, columns: Self.longColumns.count)
        try finishData(w, sheet)
    }

    /// One answer as a row of the long sheet, in the order of ``longColumns``.
    func longRow(_ w: Writing, _ a: AnswerRecord) -> [Worksheet.Cell] {
        [
            .text(a.runId), .text(a.subjectId), .text(a.room ?? ""), w.date(a.time), .text(a.protocolId),
            .number(Double(a.version)), .text(a.runStatus.rawValue), .text(a.phase), .text(a.item),
            .text(a.status.rawValue), .text(a.value ?? ""), a.number.map { .number($0) } ?? .blank,
            .text(a.outcome?.rawValue ?? ""), .text(a.why ?? ""), a.answeredAt.map(w.date) ?? .blank,
            .text(a.actor ?? ""),
            .text(a.role ?? ""),
        ]
    }

    /// One sheet per protocol, one row per run, one column per item.
    func wideSheets(_ w: Writing, _ raw: (cohort: String?, protocols: [String])) throws {
        for protocolId in raw.protocols {
            let items = try store.spec(protocolId).spec.answerableItemIds
            let sheet = try w.book.addWorksheet(
                String(language.text(zh: "宽 ", en: "Wide ") + protocolId).prefix(31).description)
            let headers = ["run_id", "subject_id", "time", "run_status"] + items
            try sheet.row(0, headers.map { .text($0) }, format: .header)
            sheet.freeze(rows: 1)
            var rows = RowCursor(first: 1)
            try forEachRun(in: try cohort(raw.cohort), protocols: [protocolId]) { run, answers in
                let cells: [Worksheet.Cell] = items.map { item in
                    guard let a = answers[item] else { return .blank }
                    return a.number.map { .number($0) } ?? .text(a.status == .notApplicable ? "n.a." : a.value ?? "")
                }
                try sheet.row(
                    rows.take(),
                    [.text(run.runId), .text(run.subjectId), w.date(run.time), .text(run.runStatus.rawValue)] + cells)
            }
            try sheet.autofilter(headerRow: 0, lastRow: rows.last, columns: headers.count)
            try finishData(w, sheet)
        }
    }
}
