import Foundation
import Synchronization

/// Workbooks to PDF through LibreOffice (`soffice --headless --convert-to pdf`), for hospitals that circulate PDFs.
///
/// ```swift
/// try ReportWriter(spec: spec, store: store, language: .zh).writePDF(to: "study.pdf")
/// ```
public enum PDFExport {
    /// LibreOffice's command-line program: `$QFLOW_SOFFICE`, else `soffice` or `libreoffice` on `PATH`; nil when
    /// it is not installed.
    public static func office(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let own = environment["QFLOW_SOFFICE"] {
            return FileManager.default.isExecutableFile(atPath: own) ? own : nil
        }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in path + ["/usr/bin", "/usr/local/bin", "/opt/libreoffice/program"] {
            for name in ["soffice", "libreoffice"] {
                let candidate = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// What to tell someone who asked for a PDF on a machine without LibreOffice.
    public static let missingMessage =
        "a PDF needs LibreOffice to convert the workbook, and it is not installed: "
        + "apt-get install libreoffice-calc-nogui fonts-noto-cjk (or set QFLOW_SOFFICE to its soffice program)"

    /// Converts the workbook at `xlsx` into `pdf` (replacing it), with a private LibreOffice profile so that a
    /// running LibreOffice or another conversion does not get in the way; gives up after `timeout` seconds.
    public static func convert(
        _ xlsx: String, to pdf: String, office: String? = PDFExport.office(), timeout: TimeInterval = 300
    ) throws(ReportError) {
        guard let office else { throw ReportError(.pdfUnavailable, missingMessage) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("qflow-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("report.xlsx")
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: xlsx, toPath: input.path)
        } catch {
            throw ReportError(.io, "convert \(xlsx) to PDF: cannot prepare a working folder: \(error)", cause: error)
        }
        let produced = try run(office, converting: input, in: work, timeout: timeout, what: xlsx)
        do {
            if FileManager.default.fileExists(atPath: pdf) { try FileManager.default.removeItem(atPath: pdf) }
            try FileManager.default.moveItem(at: produced, to: URL(fileURLWithPath: pdf))
        } catch {
            throw ReportError(.io, "write \(pdf): \(error)", cause: error)
        }
    }

    /// Runs LibreOffice on `input` with its profile and output in `work`; returns the PDF it wrote.
    static func run(
        _ office: String, converting input: URL, in work: URL, timeout: TimeInterval, what xlsx: String
    ) throws(ReportError) -> URL {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: office)
        process.arguments = [
            "-env:UserInstallation=" + work.appendingPathComponent("profile").absoluteString, "--headless",
            "--norestore", "--nologo", "--convert-to", "pdf", "--outdir", work.path, input.path,
        ]
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try process.run()
        } catch {
            throw ReportError(.pdfFailed, "convert \(xlsx) to PDF: cannot start \(office): \(error)", cause: error)
        }
        let output = LockedData()
        let reader = Thread { output.set(log.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw ReportError(
                .pdfFailed, "convert \(xlsx) to PDF: LibreOffice did not finish within \(Int(timeout)) s")
        }
        let produced = work.appendingPathComponent("report.pdf")
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: produced.path) else {
            let said = String(decoding: output.get(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ReportError(
                .pdfFailed,
                "convert \(xlsx) to PDF: LibreOffice exited with status \(process.terminationStatus)"
                    + (said.isEmpty ? "" : ": \(said.split(separator: "\n").suffix(3).joined(separator: " / "))"))
        }
        return produced
    }
}

/// Bytes handed from the reader thread to the caller.
private final class LockedData: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    func get() -> Data { data.withLock { $0 } }
}

extension ReportWriter {
    /// Writes the report as a PDF: the committee sheets (and, with `includeData`, the raw data and dictionary), laid
    /// out as they print from the workbook, converted by LibreOffice (`office`, found on `PATH` by default).
    public func writePDF(
        to path: String, now: Date = Date(), includeData: Bool = false, office: String? = PDFExport.office()
    ) throws {
        guard let office else { throw ReportError(.pdfUnavailable, PDFExport.missingMessage) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qflow-print-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: work) }
        var printed = self
        printed.options.committeeOnly = !includeData
        try printed.write(to: work.path, now: now)
        try PDFExport.convert(work.path, to: path, office: office)
    }
}
