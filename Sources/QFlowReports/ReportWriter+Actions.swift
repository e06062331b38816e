import Foundation
import QFlowEngine
import QFlowStore

extension ReportWriter {
    /// One row per corrective action: its audit, status, and every item (finding, cause, owner, due date, …) by title.
    func actionsSheet(_ w: Writing) throws {
        let items = (try? store.spec("corrective_action").spec.items) ?? []
        let headers: [String] =
            [
                language.text(zh: "整改单", en: "action"), language.text(zh: "督查", en: "audit"),
                language.text(zh: "状态", en: "status"),
            ] + items.map { $0.title.text(language) }
        var b = SheetBuilder(columns: headers.count)
        b.maxWidth = 18
        b.cells(headers.map { .text($0) }, format: .header)
        var current: AnswerRecord?
        var cells: [String: AnswerRecord] = [:]
        func flush() {
            guard let run = current else { return }
            var row: [Worksheet.Cell] = [.text(run.runId), .text(run.subjectId), .text(run.runStatus.rawValue)]
            for item in items {
                guard let a = cells[item.id] else {
                    row.append(.blank)
                    continue
                }
                if case .time = item.type, let value = a.value {
                    row.append(w.date(value))
                } else if a.status == .notApplicable {
                    row.append(.text(language.text(zh: "不适用", en: "n.a.")))
                } else {
                    row.append(.text(a.value ?? ""))
                }
            }
            b.cells(row, format: FormatSpec(top: true))
        }
        try store.forEachAnswer(protocols: ["corrective_action"]) { a in
            if a.runId != current?.runId {
                flush()
                current = a
                cells = [:]
            }
            cells[a.item] = a
        }
        flush()
        let (sheet, lastRow) = try b.write(to: w.book, name: language.text(zh: "整改", en: "Corrective actions"))
        sheet.freeze(rows: 1)
        try sheet.autofilter(headerRow: 0, lastRow: lastRow, columns: headers.count)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }
}
