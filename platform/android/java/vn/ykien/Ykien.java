package vn.ykien;

/**
 * An open ykien database: the C API (ykien.h, docs/c-api.md) one to one, records
 * as JSON strings. Thread-safe: any thread may call any method; calls are
 * serialized. Failures throw {@link YkienException} with the stable code.
 * Close it (try-with-resources) when done.
 */
public final class Ykien implements AutoCloseable {
  static {
    // Desktop tests name the library file; apps load it from the APK.
    String path = System.getProperty("ykien.library");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("ykien_jni");
    }
  }

  private volatile long handle;

  private Ykien(long handle) {
    this.handle = handle;
  }

  /** Opens or creates the database file at {@code path} (e.g. in getFilesDir()). */
  public static Ykien open(String path) throws YkienException {
    return new Ykien(nOpen(path, 0));
  }

  /** As {@link #open(String)}, waiting up to {@code busyTimeoutMs} for another process's lock. */
  public static Ykien open(String path, int busyTimeoutMs) throws YkienException {
    return new Ykien(nOpen(path, busyTimeoutMs));
  }

  /** The library version, "0.1.0". */
  public static native String version();

  /** Sends log lines at {@code minLevel} and above to {@code sink} (null = off). Process-wide. */
  public static native void setLogSink(LogSink sink, int minLevel) throws YkienException;

  /** Closes the database; later calls throw INVALID_STATE. Calling it twice is fine. */
  @Override
  public void close() {
    long h = handle;
    handle = 0;
    if (h != 0) nClose(h);
  }

  long handle() {
    return handle;
  }

  public String siteId() throws YkienException { return nSiteId(handle); }
  public String stateHash() throws YkienException { return nStateHash(handle); }

  // ---- Observers ----
  /** Registers a listener; returns an id for {@link #removeChangeListener(long)}. */
  public long addChangeListener(ChangeListener listener) throws YkienException {
    return nObserverAdd(handle, listener);
  }
  public void removeChangeListener(long id) throws YkienException { nObserverRemove(handle, id); }

  // ---- Units ----
  public String createUnit(String unitJson) throws YkienException { return nUnitCreate(handle, unitJson); }
  public String getUnit(String id) throws YkienException { return nUnitGet(handle, id); }
  public String listUnits(String parentId) throws YkienException { return nUnitList(handle, parentId); }

  // ---- Meetings ----
  public String createMeeting(String meetingJson) throws YkienException { return nMeetingCreate(handle, meetingJson); }
  public String getMeeting(String id) throws YkienException { return nMeetingGet(handle, id); }
  public String updateMeeting(String id, String patchJson) throws YkienException {
    return nMeetingUpdate(handle, id, patchJson);
  }
  public String closeMeeting(String id, long attendance, String conclusion, String closedAt) throws YkienException {
    return nMeetingClose(handle, id, attendance, conclusion, closedAt);
  }
  public String listMeetings(String scope, String from, String to) throws YkienException {
    return nMeetingList(handle, scope, from, to);
  }
  public void deleteMeeting(String id) throws YkienException { nMeetingDelete(handle, id); }

  // ---- Opinions ----
  public String recordOpinion(String opinionJson) throws YkienException { return nOpinionRecord(handle, opinionJson); }
  public String getOpinion(String id) throws YkienException { return nOpinionGet(handle, id); }
  public String updateOpinion(String id, String patchJson) throws YkienException {
    return nOpinionUpdate(handle, id, patchJson);
  }
  public String changeStatus(String id, String updateJson) throws YkienException {
    return nOpinionChangeStatus(handle, id, updateJson);
  }
  public String assignOpinion(String id, String department, String dueDate, String by) throws YkienException {
    return nOpinionAssign(handle, id, department, dueDate, by);
  }
  /** {@code filterJson} may be null (all). */
  public String listOpinions(String filterJson) throws YkienException { return nOpinionList(handle, filterJson); }
  public String searchOpinions(String text, String filterJson) throws YkienException {
    return nOpinionSearch(handle, text, filterJson);
  }
  public String opinionHistory(String id) throws YkienException { return nOpinionHistory(handle, id); }
  public void deleteOpinion(String id) throws YkienException { nOpinionDelete(handle, id); }

  // ---- Responses, visits, reports ----
  public String addResponse(String responseJson) throws YkienException { return nResponseAdd(handle, responseJson); }
  public String listResponses(String opinionId) throws YkienException { return nResponseList(handle, opinionId); }
  public String recordSupportVisit(String visitJson) throws YkienException {
    return nSupportVisitRecord(handle, visitJson);
  }
  public String report(String requestJson) throws YkienException { return nReport(handle, requestJson); }

  // ---- Change log and conflicts ----
  public String exportChanges(long cursor) throws YkienException { return nChangesExport(handle, cursor, 0); }
  public String exportChanges(long cursor, long limitChanges) throws YkienException {
    return nChangesExport(handle, cursor, limitChanges);
  }
  public String applyChanges(String changesJson, String origin, boolean detectConflicts) throws YkienException {
    return nChangesApply(handle, changesJson, origin, detectConflicts);
  }
  public long currentCursor() throws YkienException { return nChangesCursor(handle); }
  public String listConflicts(boolean openOnly) throws YkienException { return nConflictList(handle, openOnly); }
  public void resolveConflict(String id, String valueJson, String by) throws YkienException {
    nConflictResolve(handle, id, valueJson, by);
  }

  // ---- Attachments (docs/attachments.md) ----
  /** Attaches the file at {@code path}; {@code attachmentJson} names what it is attached to. */
  public String addAttachmentFile(String path, String attachmentJson) throws YkienException {
    return nAttachmentAddFile(handle, path, attachmentJson);
  }
  public String addAttachmentBytes(byte[] bytes, String attachmentJson) throws YkienException {
    return nAttachmentAddBytes(handle, bytes, attachmentJson);
  }
  /** Live attachments under {@code scope} (null = all) attached to {@code of} (null = any). */
  public String listAttachments(String scope, String of) throws YkienException {
    return nAttachmentList(handle, scope, of);
  }
  /** The file of the attachment whose SHA-256 is {@code sha256}: NOT_FOUND when not on this device. */
  public YkienBlob openBlob(String sha256) throws YkienException { return new YkienBlob(handle, sha256); }

  // ---- A lost tablet (docs/security.md) ----
  /**
   * Overwrites and removes the database at {@code path}, its journals, its key file and
   * its attachments, then erases the device's secrets from {@code keys} (null = only
   * the file store). Close the database first ({@link YkienSync#wipeOrdered}).
   */
  public static void eraseDatabaseFiles(String path, KeyStore keys) throws YkienException {
    nEraseDatabaseFiles(path, keys);
  }

  /** Tests only: records an opinion from a new native (non-Java) thread and waits for it. */
  static String recordOpinionFromNativeThreadForTest(Ykien db, String opinionJson) throws YkienException {
    return nTestRecordOnNativeThread(db.handle, opinionJson);
  }

  // ---- Natives (ykien_jni.cpp) ----
  private static native String nTestRecordOnNativeThread(long h, String json) throws YkienException;
  private static native String nAttachmentAddFile(long h, String path, String json) throws YkienException;
  private static native String nAttachmentAddBytes(long h, byte[] bytes, String json) throws YkienException;
  private static native String nAttachmentList(long h, String scope, String of) throws YkienException;
  private static native void nEraseDatabaseFiles(String path, KeyStore keys) throws YkienException;
  private static native long nOpen(String path, int busyTimeoutMs) throws YkienException;
  private static native void nClose(long h);
  private static native String nSiteId(long h) throws YkienException;
  private static native String nStateHash(long h) throws YkienException;
  private static native long nObserverAdd(long h, ChangeListener l) throws YkienException;
  private static native void nObserverRemove(long h, long id) throws YkienException;
  private static native String nUnitCreate(long h, String json) throws YkienException;
  private static native String nUnitGet(long h, String id) throws YkienException;
  private static native String nUnitList(long h, String parentId) throws YkienException;
  private static native String nMeetingCreate(long h, String json) throws YkienException;
  private static native String nMeetingGet(long h, String id) throws YkienException;
  private static native String nMeetingUpdate(long h, String id, String json) throws YkienException;
  private static native String nMeetingClose(long h, String id, long attendance, String conclusion, String closedAt)
      throws YkienException;
  private static native String nMeetingList(long h, String scope, String from, String to) throws YkienException;
  private static native void nMeetingDelete(long h, String id) throws YkienException;
  private static native String nOpinionRecord(long h, String json) throws YkienException;
  private static native String nOpinionGet(long h, String id) throws YkienException;
  private static native String nOpinionUpdate(long h, String id, String json) throws YkienException;
  private static native String nOpinionChangeStatus(long h, String id, String json) throws YkienException;
  private static native String nOpinionAssign(long h, String id, String department, String dueDate, String by)
      throws YkienException;
  private static native String nOpinionList(long h, String filter) throws YkienException;
  private static native String nOpinionSearch(long h, String text, String filter) throws YkienException;
  private static native String nOpinionHistory(long h, String id) throws YkienException;
  private static native void nOpinionDelete(long h, String id) throws YkienException;
  private static native String nResponseAdd(long h, String json) throws YkienException;
  private static native String nResponseList(long h, String opinionId) throws YkienException;
  private static native String nSupportVisitRecord(long h, String json) throws YkienException;
  private static native String nReport(long h, String json) throws YkienException;
  private static native String nChangesExport(long h, long cursor, long limitChanges) throws YkienException;
  private static native String nChangesApply(long h, String json, String origin, boolean detect)
      throws YkienException;
  private static native long nChangesCursor(long h) throws YkienException;
  private static native String nConflictList(long h, boolean openOnly) throws YkienException;
  private static native void nConflictResolve(long h, String id, String valueJson, String by) throws YkienException;
}
