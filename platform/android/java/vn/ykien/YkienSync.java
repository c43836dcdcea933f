package vn.ykien;

/**
 * Syncs a {@link Ykien} database with a server. Run {@link #run} on a worker thread;
 * {@link #cancel} from any thread. One run at a time per object. Close when done.
 */
public final class YkienSync implements AutoCloseable {
  private volatile long handle;

  /**
   * @param transport the app's HTTP client, or null for the library's own (libcurl;
   *     Android builds leave it out, so pass one there)
   */
  public YkienSync(Ykien db, String serverUrl, HttpTransport transport) throws YkienException {
    this(db, serverUrl, transport, null);
  }

  /**
   * @param keys where the device token and signing secret are kept (an {@code
   *     AndroidKeystoreStore} on a tablet), or null for the file {@code <db>.keys}
   */
  public YkienSync(Ykien db, String serverUrl, HttpTransport transport, KeyStore keys) throws YkienException {
    handle = nNew(db.handle(), serverUrl, transport, keys);
  }

  /** Trades a one-time enrollment code; returns {"device_id","scopes","server_time_ms"}. */
  public String enroll(String code, String deviceName) throws YkienException {
    return nEnroll(handle, code, deviceName);
  }

  /** Pushes then pulls until caught up; returns the report JSON. Throws CANCELLED when cancelled. */
  public String run(SyncProgressListener progress) throws YkienException {
    return nRun(handle, progress);
  }

  public void cancel() throws YkienException {
    nCancel(handle);
  }

  /** Changes the server refused so far (JSON array). */
  public String refused() throws YkienException {
    return nRefused(handle);
  }

  /**
   * True when the server ordered this device to erase itself (a revoked tablet; its
   * run() then threw UNAUTHORIZED). The sync then keeps the token in memory for
   * {@link #reportWiped} and lets go of the database: close it, call
   * {@link Ykien#eraseDatabaseFiles}, then reportWiped() (docs/security.md).
   */
  public boolean wipeOrdered() throws YkienException {
    return nWipeOrdered(handle);
  }

  /** Tells the server that this device erased itself. */
  public void reportWiped() throws YkienException {
    nReportWiped(handle);
  }

  @Override
  public void close() {
    long h = handle;
    handle = 0;
    if (h != 0) nFree(h);
  }

  private static native long nNew(long db, String url, HttpTransport transport, KeyStore keys)
      throws YkienException;
  private static native boolean nWipeOrdered(long h) throws YkienException;
  private static native void nReportWiped(long h) throws YkienException;
  private static native void nFree(long h);
  private static native String nEnroll(long h, String code, String deviceName) throws YkienException;
  private static native String nRun(long h, SyncProgressListener progress) throws YkienException;
  private static native void nCancel(long h) throws YkienException;
  private static native String nRefused(long h) throws YkienException;
}
