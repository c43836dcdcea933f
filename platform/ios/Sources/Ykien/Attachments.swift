// Attachments (docs/attachments.md): photos, scanned minutes and recordings kept
// beside the database, added from a file or bytes, listed, read back. NOT COMPILED
// on the project's Linux machines (no Swift toolchain): see docs/ios.md.
import CYkien
import Foundation

public struct Attachment: Codable, Equatable {
  public var id: String?
  public var scope: String?
  // Exactly one of these four: what it is attached to.
  public var meetingId: String?
  public var opinionId: String?
  public var responseId: String?
  public var visitId: String?
  public var sha256: String?
  public var size: Int64?
  public var mediaType: String?
  public var caption: String?
  public var addedBy: String?
  public var addedAt: String?
  public var heldHere: Bool?  // in lists: its file is on this device
  public init(meetingId: String? = nil, opinionId: String? = nil, responseId: String? = nil, visitId: String? = nil,
              caption: String? = nil, addedBy: String? = nil) {
    self.meetingId = meetingId; self.opinionId = opinionId; self.responseId = responseId; self.visitId = visitId
    self.caption = caption; self.addedBy = addedBy
  }
}

/// An attachment's file read from its first byte; closed when released.
public final class YkienBlob {
  private let blob: OpaquePointer

  init(database: Ykien, sha256: String) throws {
    var handle: OpaquePointer? = nil
    try call { ykien_blob_open(&handle, database.handle, sha256, $0) }
    blob = handle!
  }

  deinit { ykien_blob_close(blob) }

  public var size: Int64 { ykien_blob_size(blob) }

  /// Up to `maxLength` bytes; empty at the end.
  public func read(maxLength: Int = 1 << 16) throws -> Data {
    var buffer = Data(count: maxLength)
    var got = 0
    try buffer.withUnsafeMutableBytes { raw in
      try call { ykien_blob_read(blob, raw.baseAddress, maxLength, &got, $0) }
    }
    return buffer.prefix(got)
  }

  /// The rest of the file.
  public func readAll() throws -> Data {
    var all = Data()
    while true {
      let chunk = try read()
      if chunk.isEmpty { return all }
      all.append(chunk)
    }
  }
}

public extension Ykien {
  /// Attaches the file at `path` (copied beside the database) to what `attachment` names.
  func addAttachment(path: String, _ attachment: Attachment) throws -> Attachment {
    let json = try text(attachment)
    return try callDecode(Attachment.self) { ykien_attachment_add_file($0, handle, path, json, nil, nil, $1) }
  }

  /// The same from bytes in memory (a photo just taken).
  func addAttachment(data: Data, _ attachment: Attachment) throws -> Attachment {
    let json = try text(attachment)
    return try data.withUnsafeBytes { raw in
      try callDecode(Attachment.self) { ykien_attachment_add_bytes($0, handle, raw.baseAddress, data.count, json, $1) }
    }
  }

  /// Live attachments under `scope` (nil = all) attached to `of` (an id; nil = any).
  func attachments(scope: String? = nil, of: String? = nil) throws -> [Attachment] {
    try callDecode([Attachment].self) { ykien_attachment_list($0, handle, scope, of, $1) }
  }

  /// The file of the attachment whose SHA-256 is `sha256`: YKIEN_ENOTFOUND when it is
  /// not on this device (not fetched yet).
  func openBlob(sha256: String) throws -> YkienBlob { try YkienBlob(database: self, sha256: sha256) }
}
