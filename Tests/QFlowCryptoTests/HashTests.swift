import Foundation
import Testing

@testable import QFlowCrypto

@Suite("SHA-256 and PBKDF2")
struct HashTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func pbkdf2MatchesPublishedVectors() {
        // RFC 7914 §11 (PBKDF2-HMAC-SHA256 test vectors), first 32 bytes.
        #expect(
            hex(SHA256.pbkdf2(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1))
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        // Widely published vectors (e.g. Python hashlib.pbkdf2_hmac('sha256', b'password', b'salt', n)).
        #expect(
            hex(SHA256.pbkdf2(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1))
                == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        #expect(
            hex(SHA256.pbkdf2(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 4096))
                == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
        let long = [UInt8](repeating: 0x61, count: 100)  // a key longer than one block is hashed first
        #expect(
            hex(SHA256.pbkdf2(password: long, salt: Array("s".utf8), iterations: 2))
                == "b88ffe32d40e233c788b33504ee05d4204746da7de230035c70f892325ec984f")
    }
}
