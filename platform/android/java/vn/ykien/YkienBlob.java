package vn.ykien;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An attachment's file read from its first byte ({@link Ykien#openBlob}). Stays
 * readable after its database is closed. Close it when done.
 */
public final class YkienBlob extends InputStream {
  private volatile long handle;

  YkienBlob(long db, String sha256) throws YkienException {
    handle = nOpen(db, sha256);
  }

  /** The file's size in bytes. */
  public long size() throws YkienException {
    return nSize(handle);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buffer.length);
    if (len == 0) return 0;
    try {
      return nRead(handle, buffer, off, len);
    } catch (YkienException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    long h = handle;
    handle = 0;
    if (h != 0) nClose(h);
  }

  private static native long nOpen(long db, String sha256) throws YkienException;
  private static native int nRead(long h, byte[] buffer, int off, int len) throws YkienException;
  private static native long nSize(long h) throws YkienException;
  private static native void nClose(long h);
}
