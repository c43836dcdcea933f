// Swift over the C API (ykien.h), one method per C function. It cannot be built
// on the project's Linux machines: it mirrors the C API that the C, Java and JNI
// tests exercise, and stays deliberately thin. See docs/ios.md.
import CYkien
import Foundation

/// A failed call: `code` is the stable YKIEN_E* number, `field` the input at fault.
public struct YkienError: Error, CustomStringConvertible {
  public let code: Int32
  public let message: String
  public let field: String
  public var name: String { String(cString: ykien_error_code_name(code)) }
  public var description: String { "\(name): \(message)" }
}

private let encoder: JSONEncoder = {
  let e = JSONEncoder()
  e.keyEncodingStrategy = .convertToSnakeCase
  return e
}()
private let decoder: JSONDecoder = {
  let d = JSONDecoder()
  d.keyDecodingStrategy = .convertFromSnakeCase
  return d
}()

func text<T: Encodable>(_ value: T) throws -> String {
  String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Runs a C call that returns a status and fills `ykien_error`.
func call(_ body: (UnsafeMutablePointer<ykien_error>) -> Int32) throws {
  var err = ykien_error()
  let rc = body(&err)
  if rc != YKIEN_OK {
    let message = withUnsafeBytes(of: err.message) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    let field = withUnsafeBytes(of: err.field) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    throw YkienError(code: rc, message: message, field: field)
  }
}

/// Runs a C call that returns a string owned by the caller (freed with ykien_free).
func callString(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<ykien_error>) -> Int32) throws -> String {
  var out: UnsafeMutablePointer<CChar>? = nil
  defer { ykien_free(out) }
  try call { body(&out, $0) }
  return out.map { String(cString: $0) } ?? ""
}

func callDecode<T: Decodable>(_ type: T.Type, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<ykien_error>) -> Int32) throws -> T {
  try decoder.decode(T.self, from: Data(try callString(body).utf8))
}

/// Boxes a closure for a C callback's `void *ctx`; the C side releases it.
final class Box<T> {
  let value: T
  init(_ value: T) { self.value = value }
}
func release(_ ctx: UnsafeMutableRawPointer?) {
  if let ctx = ctx { Unmanaged<AnyObject>.fromOpaque(ctx).release() }
}

/// An open database. Thread-safe: call it from any thread or task.
public final class Ykien {
  private let db: OpaquePointer
  private var closed = false

  public static var version: String { String(cString: ykien_version()) }

  /// Sends log lines at `minLevel` and above (YKIEN_LOG_*) to `sink` (nil = off).
  /// Called on whichever thread logs.
  public static func setLogSink(minLevel: Int32 = YKIEN_LOG_INFO, _ sink: ((Int32, String) -> Void)?) throws {
    guard let sink = sink else {
      try call { ykien_log_set_sink(nil, 0, nil, nil, $0) }
      return
    }
    let ctx = Unmanaged.passRetained(Box(sink) as AnyObject).toOpaque()
    try call {
      ykien_log_set_sink({ level, message, ctx in
        let box = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<(Int32, String) -> Void>
        box.value(level, String(cString: message!))
      }, minLevel, { release($0) }, ctx, $0)
    }
  }

  /// Opens or creates the database file at `path` (in the app's Application Support).
  public init(path: String, busyTimeoutMs: Int32 = 5000) throws {
    var options = ykien_open_options(version: UInt32(YKIEN_OPEN_OPTIONS_VERSION), busy_timeout_ms: busyTimeoutMs)
    var handle: OpaquePointer? = nil
    try call { ykien_db_open(&handle, path, &options, $0) }
    db = handle!
  }

  deinit { close() }

  /// Closes the database now (before erasing it after a wipe order); later calls
  /// throw YKIEN_ESTATE. Not thread-safe with other calls on this object.
  public func close() {
    if closed { return }
    closed = true
    ykien_db_close(db)
  }

  public func siteId() throws -> String { try callString { ykien_db_site_id($0, db, $1) } }
  public func stateHash() throws -> String { try callString { ykien_db_state_hash($0, db, $1) } }

  // MARK: Observers

  /// `onChange(table, ids)` runs after each commit, on the thread that made the change
  /// (a background thread for synced rows): hop to the main actor to refresh the UI.
  @discardableResult
  public func addObserver(_ onChange: @escaping (String, [String]) -> Void) throws -> UInt64 {
    var id: UInt64 = 0
    let ctx = Unmanaged.passRetained(Box(onChange) as AnyObject).toOpaque()
    try call {
      ykien_observer_add(&id, db, { table, ids, count, ctx in
        let box = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<(String, [String]) -> Void>
        let list = (0..<count).map { String(cString: ids![$0]!) }
        box.value(String(cString: table!), list)
      }, { release($0) }, ctx, $0)
    }
    return id
  }
  public func removeObserver(_ id: UInt64) throws { try call { ykien_observer_remove(db, id, $0) } }

  // MARK: Units
  public func createUnit(_ unit: Unit) throws -> Unit {
    let json = try text(unit)
    return try callDecode(Unit.self) { ykien_unit_create($0, db, json, $1) }
  }
  public func unit(id: String) throws -> Unit { try callDecode(Unit.self) { ykien_unit_get($0, db, id, $1) } }
  public func units(parentId: String? = nil) throws -> [Unit] {
    try callDecode([Unit].self) { ykien_unit_list($0, db, parentId, $1) }
  }

  // MARK: Meetings
  public func createMeeting(_ meeting: Meeting) throws -> Meeting {
    let json = try text(meeting)
    return try callDecode(Meeting.self) { ykien_meeting_create($0, db, json, $1) }
  }
  public func meeting(id: String) throws -> Meeting { try callDecode(Meeting.self) { ykien_meeting_get($0, db, id, $1) } }
  /// `patch`: only the fields to change (e.g. a Meeting with just `place` set).
  public func updateMeeting(id: String, patch: Meeting) throws -> Meeting {
    let json = try text(patch)
    return try callDecode(Meeting.self) { ykien_meeting_update($0, db, id, json, $1) }
  }
  public func closeMeeting(id: String, attendance: Int64, conclusion: String, closedAt: String? = nil) throws -> Meeting {
    try callDecode(Meeting.self) { ykien_meeting_close($0, db, id, attendance, conclusion, closedAt, $1) }
  }
  public func meetings(scope: String? = nil, from: String? = nil, to: String? = nil) throws -> [Meeting] {
    try callDecode([Meeting].self) { ykien_meeting_list($0, db, scope, from, to, $1) }
  }
  public func deleteMeeting(id: String) throws { try call { ykien_meeting_delete(db, id, $0) } }

  // MARK: Opinions
  public func recordOpinion(_ opinion: Opinion) throws -> Opinion {
    let json = try text(opinion)
    return try callDecode(Opinion.self) { ykien_opinion_record($0, db, json, $1) }
  }
  public func opinion(id: String) throws -> Opinion { try callDecode(Opinion.self) { ykien_opinion_get($0, db, id, $1) } }
  public func updateOpinion(id: String, patch: Opinion) throws -> Opinion {
    let json = try text(patch)
    return try callDecode(Opinion.self) { ykien_opinion_update($0, db, id, json, $1) }
  }
  public func changeStatus(id: String, _ update: StatusUpdate) throws -> Opinion {
    let json = try text(update)
    return try callDecode(Opinion.self) { ykien_opinion_change_status($0, db, id, json, $1) }
  }
  public func assignOpinion(id: String, department: String, dueDate: String, by: String? = nil) throws -> Opinion {
    try callDecode(Opinion.self) { ykien_opinion_assign($0, db, id, department, dueDate, by, $1) }
  }
  public func opinions(_ filter: OpinionFilter = OpinionFilter()) throws -> [Opinion] {
    let json = try text(filter)
    return try callDecode([Opinion].self) { ykien_opinion_list($0, db, json, $1) }
  }
  public func searchOpinions(_ words: String, filter: OpinionFilter = OpinionFilter()) throws -> [Opinion] {
    let json = try text(filter)
    return try callDecode([Opinion].self) { ykien_opinion_search($0, db, words, json, $1) }
  }
  public func history(opinionId: String) throws -> [StatusChange] {
    try callDecode([StatusChange].self) { ykien_opinion_history($0, db, opinionId, $1) }
  }
  public func deleteOpinion(id: String) throws { try call { ykien_opinion_delete(db, id, $0) } }

  // MARK: Responses, reports
  public func addResponse(_ response: Response) throws -> Response {
    let json = try text(response)
    return try callDecode(Response.self) { ykien_response_add($0, db, json, $1) }
  }
  public func responses(opinionId: String) throws -> [Response] {
    try callDecode([Response].self) { ykien_response_list($0, db, opinionId, $1) }
  }
  /// The report as JSON text (docs/c-api.md lists its keys).
  public func reportJSON(scope: String? = nil, from: String? = nil, to: String? = nil) throws -> String {
    var request: [String: String] = [:]
    request["scope"] = scope; request["from"] = from; request["to"] = to
    let json = try text(request)
    return try callString { ykien_report_get($0, db, json, $1) }
  }

  // MARK: Change log and conflicts (JSON text, as exchanged between replicas)
  public func exportChanges(since cursor: Int64) throws -> String {
    try callString { ykien_changes_export($0, db, cursor, nil, $1) }
  }
  public func applyChanges(_ json: String, origin: String? = nil, detectConflicts: Bool = false) throws -> String {
    try origin.withOptionalCString { originPtr in
      var options = ykien_apply_options(version: UInt32(YKIEN_APPLY_OPTIONS_VERSION), origin: originPtr,
                                        detect_conflicts: detectConflicts ? 1 : 0)
      return try callString { ykien_changes_apply($0, db, json, &options, $1) }
    }
  }
  public func conflicts(openOnly: Bool = true) throws -> [Conflict] {
    try callDecode([Conflict].self) { ykien_conflict_list($0, db, openOnly ? 1 : 0, $1) }
  }
  public func resolveConflict(id: String, valueJSON: String, by: String? = nil) throws {
    try call { ykien_conflict_resolve(db, id, valueJSON, by, $0) }
  }

  var handle: OpaquePointer { db }
}

/// Syncs a database with a server over URLSession (or libcurl if `transport` is nil
/// and the library has it — iOS builds do not).
public final class YkienSync {
  /// One HTTP exchange: (method, url, headers, body) -> (status, headers, body).
  /// Called on the syncing thread; block until the reply came; throw when none came.
  public typealias Transport = (String, String, [(String, String)], Data) throws -> (Int, [(String, String)], Data)

  let sync: OpaquePointer
  private let database: Ykien  // kept alive as long as the sync

  /// `keyStore`: where the device token and signing secret are kept (a
  /// KeychainKeyStore on a device); nil = the file "<db>.keys" beside the database.
  public init(database: Ykien, serverURL: String, transport: Transport?, keyStore: YkienKeyStore? = nil) throws {
    self.database = database
    var options = ykien_sync_options()
    options.version = UInt32(YKIEN_SYNC_OPTIONS_VERSION)
    options.skip_tls_verify = 0
    var handle: OpaquePointer? = nil
    if let transport = transport {
      options.http = { req, resp, ctx in
        let box = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<YkienSync.Transport>
        let r = req!.pointee
        let headers = (0..<r.header_count).map {
          (String(cString: r.header_names[$0]!), String(cString: r.header_values[$0]!))
        }
        let body = r.body.map { Data(bytes: $0, count: r.body_size) } ?? Data()
        do {
          let (status, replyHeaders, replyBody) = try box.value(String(cString: r.method), String(cString: r.url), headers, body)
          ykien_http_response_set_status(resp, Int32(status))
          for (name, value) in replyHeaders { ykien_http_response_add_header(resp, name, value) }
          replyBody.withUnsafeBytes { ykien_http_response_set_body(resp, $0.bindMemory(to: CChar.self).baseAddress, replyBody.count) }
          return 0
        } catch {
          ykien_http_response_set_error(resp, "\(error)")
          return 1
        }
      }
      options.http_release = { release($0) }
      options.http_ctx = Unmanaged.passRetained(Box(transport) as AnyObject).toOpaque()
    }
    try serverURL.withCString { url in
      options.server_url = url
      guard let keyStore = keyStore else {
        try call { ykien_sync_new(&handle, database.handle, &options, $0) }
        return
      }
      // Copied by ykien_sync_new, which releases its box when the sync is freed (or fails).
      var store = cKeyStore(keyStore)
      try withUnsafePointer(to: &store) { storePtr in
        options.key_store = storePtr
        try call { ykien_sync_new(&handle, database.handle, &options, $0) }
      }
    }
    sync = handle!
  }

  deinit { ykien_sync_free(sync) }

  public func enroll(code: String, deviceName: String) throws -> String {
    try callString { ykien_sync_enroll($0, sync, code, deviceName, $1) }
  }

  /// Blocks until caught up: call it from a background queue or a detached task.
  /// `progress(phase, pushed, pulled)` runs on that thread after each exchange.
  public func run(progress: ((String, Int64, Int64) -> Void)? = nil) throws -> String {
    guard let progress = progress else { return try callString { ykien_sync_run($0, sync, nil, nil, $1) } }
    let box = Box(progress)
    return try withExtendedLifetime(box) {
      let ctx = Unmanaged.passUnretained(box as AnyObject).toOpaque()
      return try callString {
        ykien_sync_run($0, sync, { p, ctx in
          let b = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<(String, Int64, Int64) -> Void>
          b.value(String(cString: p!.pointee.phase), p!.pointee.pushed, p!.pointee.pulled)
        }, ctx, $1)
      }
    }
  }

  /// Stops a running sync at its next exchange; it then throws YKIEN_ECANCELLED. Any thread.
  public func cancel() throws { try call { ykien_sync_cancel(sync, $0) } }
}

private extension Optional where Wrapped == String {
  func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
    switch self {
    case .some(let s): return try s.withCString { try body($0) }
    case .none: return try body(nil)
    }
  }
}
