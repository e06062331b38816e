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
        var r = 1
        let total = progressWanted ? try? store.countAnswers(in: try cohort(raw.cohort), protocols: raw.protocols) : nil
        try forEachAnswer(in: try cohort(raw.cohort), protocols: raw.protocols) { a in
            try sheet.row(
                r,
                [
                    .text(a.runId), .text(a.subjectId), .text(a.room ?? ""), w.date(a.time), .text(a.protocolId),
                    .number(Double(a.version)), .text(a.runStatus.rawValue), .text(a.phase), .text(a.item),
                    .text(a.status.rawValue),
                    .text(a.value ?? ""), a.number.map { .number($0) } ?? .blank, .text(a.outcome ?? ""),
                    .text(a.why ?? ""),
                    a.answeredAt.map(w.date) ?? .blank, .text(a.actor ?? ""), .text(a.role ?? ""),
                ])
            r += 1
            if r % 5_000 == 0 { progress(r, total) }
        }
        try sheet.autofilter(headerRow: 0, lastRow: r - 1, columns: Self.longColumns.count)
        try finishData(w, sheet)
    }

    /// One sheet per protocol, one row per run, one column per item.
    func wideSheets(_ w: Writing, _ raw: (cohort: String?, protocols: [String])) throws {
        for protocolId in raw.protocols {
            let published = try store.spec(protocolId)
            let items = published.spec.answerableItemIds
            let sheet = try w.book.addWorksheet(
                String(language.text(zh: "宽 ", en: "Wide ") + protocolId).prefix(31).description)
            let headers = ["run_id", "subject_id", "time", "run_status"] + items
            try sheet.row(0, headers.map { .text($0) }, format: .header)
            sheet.freeze(rows: 1)
            var r = 0
            var current: String?
            var cells: [String: AnswerRecord] = [:]
            var first: AnswerRecord?
            func flush() throws {
                guard let run = first else { return }
                r += 1
                var row: [Worksheet.Cell] = [
                    .text(run.runId), .text(run.subjectId), w.date(run.time), .text(run.runStatus.rawValue),
                ]
                for item in items {
                    if let a = cells[item] {
                        row.append(
                            a.number.map { .number($0) } ?? .text(a.status == .notApplicable ? "n.a." : a.value ?? "")
                        )
                    } else {
                        row.append(.blank)
                    }
                }
                try sheet.row(r, row)
            }
            try forEachAnswer(in: try cohort(raw.cohort), protocols: [protocolId]) { a in
                if a.runId != current {
                    try flush()
                    current = a.runId
                    cells = [:]
                    first = a
                }
                cells[a.item] = a
            }
            try flush()
            try sheet.autofilter(headerRow: 0, lastRow: r, columns: headers.count)
            try finishData(w, sheet)
        }
    }
}
