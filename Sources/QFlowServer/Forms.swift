import Foundation
import Hummingbird
import NIOCore
import QFlowStore

/// A form that carries the session's CSRF token.
protocol CSRFProtected: Decodable {
    /// The token the page was drawn with.
    var csrf: String? { get }
}

/// A form with nothing but its CSRF token (sign-out).
struct CSRFForm: CSRFProtected {
    var csrf: String?
}

/// The sign-in form (no session yet, so no CSRF token: the origin check guards it).
struct SignInForm: Decodable {
    var user: String?
    var password: String?
    var role: String?
    var workstation: String?
}

/// The idle lock's form.
struct UnlockForm: CSRFProtected {
    var csrf: String?
    var password: String?
    /// The page to go back to.
    var back: String?
}

/// A verb on a run, as a checklist's buttons post it.
struct ActForm: CSRFProtected {
    var csrf: String?
    var verb: String?
    var item: String?
    var value: String?
    var reason: String?
    /// The run's sequence number when the page was drawn.
    var seq: Int?
    /// The zone a `datetime-local` value was drawn in.
    var zone: String?
    /// The new owner's staff id, for `reassign`.
    var to: String?
}

/// Start a protocol on a case.
struct StartForm: CSRFProtected {
    var csrf: String?
    var `protocol`: String?
}

extension WorkstationServer {
    /// The largest form body accepted.
    static let formLimit = 64 * 1024

    /// Decodes a URL-encoded form body with Hummingbird's form decoder (any other content type is 415). When the
    /// session came from the cookie, the form's `csrf` field must be the session's (a bearer token is no ambient
    /// credential).
    static func form<Form: Decodable>(_ type: Form.Type, _ request: Request, context: WorkstationContext)
        async throws -> Form
    {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type", "send the form as application/x-www-form-urlencoded",
                field: "Content-Type")
        }
        var request = request
        guard let buffer = try? await request.collectBody(upTo: formLimit) else {
            throw APIError(.contentTooLarge, "invalid_input", "a form is at most 64 KB")
        }
        let form = try decodeForm(Form.self, String(buffer: buffer))
        if let protected = form as? any CSRFProtected, context.viaCookie, let session = context.session,
            !session.acceptsCSRF(protected.csrf)
        {
            throw APIError(
                .forbidden, "csrf",
                "the form is out of date or was not sent from this workstation (CSRF): reload the page and try again",
                field: "csrf")
        }
        return form
    }

    /// Decodes form text, naming the field at fault when a value does not fit.
    static func decodeForm<Form: Decodable>(_ type: Form.Type, _ text: String) throws -> Form {
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: text)
        } catch {
            // A value that does not fit names its field; anything else the form decoder throws is one refusal.
            let answer = APIError(error)
            throw answer.status.code >= 500
                ? APIError(.badRequest, "invalid_input", "the form could not be read") : answer
        }
    }

    /// Decodes a JSON body of at most `limit` bytes into a Codable type (any other content type is 415).
    static func body<Body: Decodable>(_ type: Body.Type, _ request: Request, limit: Int = 64 * 1024) async throws
        -> Body
    {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type", "send the body as application/json",
                field: "Content-Type")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "invalid_input", "the request body is at most \(limit / 1024) KB")
        }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase  // the API's fields are snake_case
            return try decoder.decode(Body.self, from: Data(buffer: buffer))
        } catch {
            throw APIError(error)
        }
    }

    /// The one file of a `multipart/form-data` upload and the form's other fields (the CSV schedule page).
    static func upload(_ request: Request, limit: Int) async throws -> (file: [UInt8], fields: [String: String]) {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = contentType.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst(9)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
            !boundary.isEmpty, boundary.count <= 70
        else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type", "upload the file as multipart/form-data",
                field: "Content-Type")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit + 16 * 1024)
        } catch {
            throw APIError(
                .contentTooLarge, "file_too_large", "the file is at most \(limit / 1024 / 1024) MB", field: "file")
        }
        let body = Array(buffer: buffer)
        let delimiter = Array("--\(boundary)".utf8)
        var fields: [String: String] = [:]
        var file: [UInt8]?
        for slice in split(body, on: delimiter) {
            // Each part: CRLF, headers, CRLF CRLF, content, CRLF. Copied, so that indices start at zero.
            let part = Array(slice)
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: part[...]) else { continue }
            let headers = String(decoding: part[..<headerEnd], as: UTF8.self)
            var content = Array(part[(headerEnd + 4)...])
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            guard
                let disposition = headers.split(separator: "\r\n").first(where: {
                    $0.lowercased().hasPrefix("content-disposition:")
                })
            else { continue }
            let name = Self.parameter("name", in: String(disposition))
            if Self.parameter("filename", in: String(disposition)) != nil {
                if file == nil { file = content }
            } else if let name, content.count <= 1024 {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
        guard let file else {
            throw APIError(.badRequest, "invalid_input", "choose a CSV file to upload", field: "file")
        }
        guard file.count <= limit else {
            throw APIError(
                .contentTooLarge, "file_too_large", "the file is at most \(limit / 1024 / 1024) MB", field: "file")
        }
        return (file, fields)
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if piece.lowercased().hasPrefix("\(name)=") {
                return String(piece.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, from start: Int? = nil) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = start ?? haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func split(_ body: [UInt8], on delimiter: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        let all = body[...]
        var cursor = find(delimiter, in: all)
        while let start = cursor {
            let contentStart = start + delimiter.count
            // The closing delimiter is followed by "--".
            if all[contentStart...].starts(with: [45, 45]) { break }
            let next = find(delimiter, in: all, from: contentStart)
            parts.append(all[contentStart..<(next ?? all.endIndex)])
            cursor = next
        }
        return parts
    }
}

extension APIError {
    /// A body or form that does not decode: 400 naming the field.
    static func decoding(_ error: DecodingError) -> APIError {
        func field(_ path: [any CodingKey]) -> String? {
            // The API's fields are snake_case; the decoder's keys are the Swift (camelCase) names.
            func snake(_ key: String) -> String {
                key.reduce(into: "") { out, ch in
                    if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
                }
            }
            return path.isEmpty
                ? nil : path.map { $0.intValue.map { "[\($0)]" } ?? snake($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            let name = field(context.codingPath)
            return APIError(
                .badRequest, "invalid_input", "\(name ?? "the body") must be \(APIError.typeName(type))", field: name)
        case .valueNotFound(let type, let context):
            let name = field(context.codingPath)
            return APIError(
                .badRequest, "invalid_input", "\(name ?? "the body") must be \(APIError.typeName(type))", field: name)
        case .keyNotFound(let key, let context):
            let name = field(context.codingPath + [key])
            return APIError(.badRequest, "invalid_input", "\(name ?? key.stringValue) is required", field: name)
        case .dataCorrupted(let context):
            let name = field(context.codingPath)
            return APIError(
                .badRequest, "invalid_input",
                name.map { "\($0) is not valid" } ?? "the body is not valid JSON (or not an object)", field: name)
        @unknown default:
            return APIError(.badRequest, "invalid_input", "the body could not be read")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "text"
        case is Int.Type, is Int?.Type: "a whole number"
        case is Double.Type, is Double?.Type: "a number"
        case is Bool.Type, is Bool?.Type: "true or false"
        default: "of the documented type"
        }
    }
}
