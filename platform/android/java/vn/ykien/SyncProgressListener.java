package vn.ykien;

/** Progress of a sync, after each exchange, on the thread running the sync. */
public interface SyncProgressListener {
  void onProgress(String phase, long pushed, long pulled, long refused, long bytesSent, long bytesReceived,
      long roundTrips);
}
