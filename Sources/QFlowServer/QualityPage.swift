import Foundation
import Hummingbird
import QFlowAnalysis
import QFlowReports
import QFlowStats
import QFlowStore

/// The quality manager's page: compare a measure between saved cohorts, and download a report workbook.
extension WorkstationServer {
    func addQualityPages(to router: Router<WorkstationContext>) {
        on(router, .get, "/quality") { request, context in
            try await self.qualityPage(
                try context.requireSession(), query: request.uri.queryParameters, lang: Self.lang(request))
        }
        on(router, .get, "/quality/report") { request, context in
            let lang = Self.lang(request)
            do {
                return try await self.reportDownload(
                    request.uri.queryParameters.get("file") ?? "", lang: lang, session: try context.requireSession())
            } catch let error as APIError {
                return Self.page(
                    "Report", "<p class=\"error\">\(Self.h(error.message))</p>", status: error.status, lang: lang)
            }
        }
    }

    static func forbiddenPage(_ session: Session, lang: String) -> Response {
        page(
            "Refused", "<p class=\"error\">Your role \(h(session.role)) cannot open this page.</p>\(nav(session, lang: lang))",
            status: .forbidden, lang: lang)
    }

    func reportFiles() -> [String] {
        guard let reports, let names = try? FileManager.default.contentsOfDirectory(atPath: reports) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    func qualityPage(_ session: Session, query: Parameters, lang: String) async throws -> Response {
        let named = Access.identifiesRespondents(session)
        let cohorts = try await blocking { try store.cohorts() }.map(\.name)
        func options(_ selected: String?) -> String {
            cohorts.map { "<option\($0 == selected ? " selected" : "")>\(Self.h($0))</option>" }.joined()
        }
        let measure = query.get("measure") ?? "item:sat.overall"
        let a = query.get("a"), b = query.get("b")
        var body = "<h1>Quality · 质量分析</h1>\(Self.nav(session, lang: lang))"
        body += """
            <form method="get" action="/quality"><label>Measure · 指标 <input name="measure" value="\(Self.h(measure))"></label>
            <label>Cohort A <select name="a">\(options(a))</select></label><label>Cohort B <select name="b">\(options(b))</select></label>
            <input type="hidden" name="lang" value="\(Self.h(lang))"><button class="yes">Compare · 比较</button></form>
            """
        if let a, let b {
            do {
                let text = try await blocking {
                    let parsed = try Measure(parsing: measure)
                    let comparison = try Comparison.run(
                        parsed, cohorts: [try store.cohort(a), try store.cohort(b)], store: store)
                    return (named ? comparison : comparison.withoutRespondentIds())
                        .text(language: lang == "zh" ? .zh : .en)
                }
                body += "<pre>\(Self.h(text))</pre>"
            } catch let error as StoreError {
                body += "<p class=\"error\">\(Self.h(error.message))</p>"
            } catch let error as AnalysisError {
                body += "<p class=\"error\">\(Self.h(error.message))</p>"
            } catch let error as StatsError {
                body += "<p class=\"error\">\(Self.h(error.message))</p>"
            }
        }
        let files = reportFiles()
        if !files.isEmpty {
            body += "<h2>Reports · 报告</h2><ul>" + files.map {
                "<li><a href=\"/quality/report?file=\(Self.h($0))&lang=\(Self.h(lang))\">\(Self.h($0)) (.xlsx)</a></li>"
            }.joined() + "</ul>"
        }
        return Self.page("Quality · 质量分析", body, lang: lang)
    }

    /// A report workbook from `Reports/`; a missing file is 404 and a report that cannot be written 422.
    ///
    /// Outside the quality office, survey respondents are pseudonymised in the raw data and counted, not named, in
    /// the comparisons.
    func reportDownload(_ file: String, lang: String, session: Session) async throws -> Response {
        guard let reports, reportFiles().contains(file) else {
            throw APIError(.notFound, "not_found", "no report \(file)", field: "file")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-report-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: out) }
        let path = reports + "/" + file
        let options = ReportOptions(pseudonymiseRespondents: !Access.identifiesRespondents(session))
        do {
            try await blocking {
                try ReportWriter(
                    spec: try ReportFile.load(path: path), store: store, language: lang == "zh" ? .zh : .en,
                    options: options
                ).write(to: out.path)
            }
        } catch let error as ReportError {
            throw APIError(.unprocessableContent, "report_failed", error.message)
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
