import Foundation
import QFlowEngine
import QFlowStore

extension ReportWriter {
    /// One row per corrective action: its audit, status, and every item (finding, cause, owner, due date, …) by title.
    ///
    /// The actions are the runs of the report's ``ReportSpec/actionsProtocol`` (`corrective_action` unless the
    /// report file names another); a protocol that is not published gives a sheet of run, audit and status alone.
    func actionsSheet(_ w: Writing) throws {
        let items = (try? store.spec(spec.actionsProtocol).spec.items) ?? []
        let headers: [String] =
            [
                language.text(zh: "整改单", en: "action"), language.text(zh: "督查", en: "audit"),
                language.text(zh: "状态", en: "status"),
            ] + items.map { $0.title.text(language) }
        var b = SheetBuilder(columns: headers.count)
        b.maxWidth = 18
        b.cells(headers.map { .text($0) }, format: .header)
        try forEachRun(protocols: [spec.actionsProtocol], pseudonymised: false) { run, answers in
            let cells = items.map { item in actionCell(w, item, answers[item.id]) }
            b.cells(
                [.text(run.runId), .text(run.subjectId), .text(run.runStatus.rawValue)] + cells,
                format: FormatSpec(top: true))
        }
        let (sheet, lastRow) = try b.write(
            to: w.book, name: language.text(zh: "整改", en: "Corrective actions"))
        sheet.freeze(rows: 1)
        try sheet.autofilter(headerRow: 0, lastRow: lastRow, columns: headers.count)
        try finish(w, sheet, lastRow: lastRow, columns: headers.count, repeatRows: 0...0)
    }

    /// One item of a corrective action: a date for a time, `n.a.`, the answer's text, or blank when unanswered.
    func actionCell(_ w: Writing, _ item: ItemSpec, _ answer: AnswerRecord?) -> Worksheet.Cell {
        guard let answer else { return .blank }
        if case .time = item.type, let value = answer.value { return w.date(value) }
        if answer.status == .notApplicable { return .text(language.text(zh: "不适用", en: "n.a.")) }
        return .text(answer.value ?? "")
    }
}
