package vn.ykien;

/**
 * Told which rows changed, after the change is committed. Called on the thread that
 * made the change (a sync's worker thread for pulled rows) — post to the UI thread
 * to refresh lists. Must not throw (exceptions are logged and dropped).
 */
public interface ChangeListener {
  void onChange(String table, String[] ids);
}
