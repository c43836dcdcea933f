// The device's secrets (docs/security.md, "The key store"): the token and the signing
// secret key, kept by the host through ykien_key_store. On iOS, the Keychain. NOT
// COMPILED on the project's Linux machines (no Swift toolchain): see docs/ios.md.
import CYkien
import Foundation
import Security

/// Where the device token and signing secret are kept. Called on the thread of the
/// sync call that needs them; a throw fails that call with YKIEN_ESTORAGE, nothing applied.
public protocol YkienKeyStore: AnyObject {
  /// The secret kept under `name`, or nil.
  func get(_ name: String) throws -> String?
  /// Keeps `value` under `name`, replacing any.
  func put(_ name: String, _ value: String) throws
  /// Forgets `name`; none kept is fine.
  func erase(_ name: String) throws
}

/// The C struct calling `store`; its release drops the retained box.
func cKeyStore(_ store: YkienKeyStore) -> ykien_key_store {
  var c = ykien_key_store()
  c.version = UInt32(YKIEN_KEY_STORE_VERSION)
  c.get = { ctx, name, out in
    let box = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<YkienKeyStore>
    do {
      if let value = try box.value.get(String(cString: name!)) {
        value.withCString { _ = ykien_secret_set(out, $0, value.utf8.count) }
      }
      return 0
    } catch {
      return 1
    }
  }
  c.put = { ctx, name, value in
    let box = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<YkienKeyStore>
    do {
      try box.value.put(String(cString: name!), String(cString: value!))
      return 0
    } catch {
      return 1
    }
  }
  c.erase = { ctx, name in
    let box = Unmanaged<AnyObject>.fromOpaque(ctx!).takeUnretainedValue() as! Box<YkienKeyStore>
    do {
      try box.value.erase(String(cString: name!))
      return 0
    } catch {
      return 1
    }
  }
  c.release = { release($0) }
  c.ctx = Unmanaged.passRetained(Box(store) as AnyObject).toOpaque()
  return c
}

public struct KeychainError: Error, CustomStringConvertible {
  public let status: OSStatus
  public var description: String { "Keychain error \(status)" }
}

/// The secrets as generic passwords in the Keychain: readable after the first unlock
/// (a sync may run in the background) and on this device only (not in backups, not
/// moved to another phone).
public final class KeychainKeyStore: YkienKeyStore {
  private let service: String
  private let accessGroup: String?

  /// `service` tells apart the secrets of several databases ("vn.ykien." + a name).
  public init(service: String = "vn.ykien", accessGroup: String? = nil) {
    self.service = service
    self.accessGroup = accessGroup
  }

  private func query(_ name: String) -> [String: Any] {
    var q: [String: Any] = [
      kSecClass as String: kSecClassGenericPassword,
      kSecAttrService as String: service,
      kSecAttrAccount as String: name,
    ]
    if let group = accessGroup { q[kSecAttrAccessGroup as String] = group }
    return q
  }

  public func get(_ name: String) throws -> String? {
    var q = query(name)
    q[kSecReturnData as String] = true
    q[kSecMatchLimit as String] = kSecMatchLimitOne
    var item: CFTypeRef?
    let status = SecItemCopyMatching(q as CFDictionary, &item)
    if status == errSecItemNotFound { return nil }
    guard status == errSecSuccess, let data = item as? Data else { throw KeychainError(status: status) }
    return String(decoding: data, as: UTF8.self)
  }

  public func put(_ name: String, _ value: String) throws {
    let attributes: [String: Any] = [
      kSecValueData as String: Data(value.utf8),
      kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
    ]
    var status = SecItemUpdate(query(name) as CFDictionary, attributes as CFDictionary)
    if status == errSecItemNotFound {
      let add = query(name).merging(attributes) { _, new in new }
      status = SecItemAdd(add as CFDictionary, nil)
    }
    guard status == errSecSuccess else { throw KeychainError(status: status) }
  }

  public func erase(_ name: String) throws {
    let status = SecItemDelete(query(name) as CFDictionary)
    guard status == errSecSuccess || status == errSecItemNotFound else { throw KeychainError(status: status) }
  }
}

// MARK: A lost tablet (docs/security.md)

public extension YkienSync {
  /// True when the server ordered this device to erase itself (run() threw
  /// YKIEN_EUNAUTHORIZED). The sync then keeps the token in memory and lets go of the
  /// database: close it (Ykien.close()), call Ykien.eraseDatabaseFiles, then reportWiped().
  func wipeOrdered() throws -> Bool {
    var ordered: Int32 = 0
    try call { ykien_sync_wipe_ordered(&ordered, sync, $0) }
    return ordered != 0
  }

  /// Tells the server that this device erased itself.
  func reportWiped() throws { try call { ykien_sync_report_wiped(sync, $0) } }
}

public extension Ykien {
  /// Overwrites and removes the database at `path`, its journals, its key file and its
  /// attachments, then erases the device's secrets from `keyStore` (nil = only the file).
  static func eraseDatabaseFiles(path: String, keyStore: YkienKeyStore? = nil) throws {
    guard let keyStore = keyStore else {
      try call { ykien_erase_database_files(path, nil, $0) }
      return
    }
    var store = cKeyStore(keyStore)
    defer { store.release?(store.ctx) }  // borrowed for the call: the box is ours to drop
    try withUnsafePointer(to: &store) { storePtr in
      try call { ykien_erase_database_files(path, storePtr, $0) }
    }
  }
}
