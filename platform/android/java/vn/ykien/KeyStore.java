package vn.ykien;

/**
 * Where a device keeps its secrets: the device token and the signing secret key
 * (docs/security.md, "The key store"). On a tablet, {@code AndroidKeystoreStore}
 * (docs/android.md); with none given, the library keeps them in the file
 * {@code <db>.keys} beside the database (mode 0600). Called on the thread of the
 * {@link YkienSync} or {@link Ykien#eraseDatabaseFiles} call that needs them. A method
 * that throws makes that call fail with STORAGE, nothing applied.
 */
public interface KeyStore {
  /** The secret kept under {@code name}, or null when there is none. */
  String get(String name) throws Exception;

  /** Keeps {@code value} under {@code name}, replacing any. */
  void put(String name, String value) throws Exception;

  /** Forgets {@code name}; none kept is fine. */
  void erase(String name) throws Exception;
}
