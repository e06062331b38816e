import Foundation
import Hummingbird
import QFlowAnalysis
import QFlowEngine
import QFlowReports
import QFlowStats
import QFlowStore

/// The quality manager's page: compare a measure between saved cohorts, and download a report workbook.
extension WorkstationServer {
    func addQualityPages(to router: Router<WorkstationContext>) {
        on(router, .get, "/quality") { request, context in
            try await self.withLanguage(request, context) { page in
                try await self.qualityPage(page, query: request.uri.queryParameters)
            }
        }
        on(router, .get, "/quality/report") { request, context in
            try await self.withLanguage(request, context) { page in
                do {
                    return try await self.reportDownload(
                        request.uri.queryParameters.get("file") ?? "", lang: page.language, session: page.session!)
                } catch {
                    let refusal = try APIError.refusal(error)
                    return page.document(
                        page.t(Wording.quality), "<p class=\"error\">\(refusal.message)</p>", status: refusal.status)
                }
            }
        }
    }

    func reportFiles() -> [String] {
        guard let reports, let names = try? FileManager.default.contentsOfDirectory(atPath: reports) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    func qualityPage(_ page: PageContext, query: Parameters) async throws -> Response {
        let named = Access.identifiesRespondents(page.session!)
        let store = store
        let cohorts = try await blocking { try store.cohorts() }.map(\.name)
        func options(_ selected: String?) -> [HTML] {
            cohorts.map { HTML("<option\($0 == selected ? " selected" : "")>\($0)</option>") }
        }
        let measure = query.get("measure").map { String($0) } ?? "item:sat.overall"
        let a = query.get("a").map { String($0) }
        let b = query.get("b").map { String($0) }
        var body: HTML = "<h1>\(page.t(Wording.quality))</h1>"
        body += """
            <form method="get" action="/quality">\
            <label>\(page.language.text(zh: "指标", en: "Measure")) <input name="measure" value="\(measure)"></label>
            <label>\(page.language.text(zh: "队列 A", en: "Cohort A")) <select name="a">\(options(a))</select></label>\
            <label>\(page.language.text(zh: "队列 B", en: "Cohort B")) <select name="b">\(options(b))</select></label>
            <button class="yes">\(page.language.text(zh: "比较", en: "Compare"))</button></form>
            """
        if let a, let b {
            let language = page.language
            do {
                let text = try await blocking {
                    let parsed = try Measure(parsing: measure)
                    let comparison = try Comparison.run(
                        parsed, cohorts: [try store.cohort(a), try store.cohort(b)], store: store)
                    return (named ? comparison : comparison.withoutRespondentIds()).text(language: language)
                }
                body += "<pre>\(text)</pre>"
            } catch {
                let refusal = try APIError.refusal(error)
                body += "<p class=\"error\">\(refusal.message)</p>"
            }
        }
        let files = reportFiles()
        if !files.isEmpty {
            let links = files.map {
                HTML(
                    "<li><a href=\"/quality/report?file=\($0)&amp;lang=\(page.language.rawValue)\">\($0) (.xlsx)</a>"
                        + "</li>"
                )
            }
            body += "<h2>\(page.language.text(zh: "报告", en: "Reports"))</h2><ul>\(links)</ul>"
        }
        return page.document(page.t(Wording.quality), body)
    }

    /// A report workbook from `Reports/`; a missing file is 404, a report file that does not check 400.
    ///
    /// Outside the quality office, survey respondents are pseudonymised in the raw data and counted, not named, in
    /// the comparisons.
    func reportDownload(_ file: String, lang: Language, session: Session) async throws -> Response {
        guard let reports, reportFiles().contains(file) else {
            throw APIError(.notFound, "not_found", "no report \(file)", field: "file")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qflow-report-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        let path = reports + "/" + file
        let options = ReportOptions(pseudonymiseRespondents: !Access.identifiesRespondents(session))
        try await blocking {
            try ReportWriter(
                spec: try ReportFile.load(path: path), store: store, language: lang, options: options
            ).write(to: out.path)
        }
        let data = try Data(contentsOf: out)
        let name = String(file.dropLast(5)) + ".xlsx"
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
