package vn.ykien;

/** A failed ykien call: {@link #code()} is the stable error code of ykien.h (YKIEN_E*). */
public class YkienException extends Exception {
  private static final long serialVersionUID = 1L;

  public static final int INVALID_ARGUMENT = 1;
  public static final int NOT_FOUND = 2;
  public static final int INVALID_STATE = 3;
  public static final int STORAGE = 4;
  public static final int CORRUPT = 5;
  public static final int UNSUPPORTED_VERSION = 6;
  public static final int CANCELLED = 7;
  public static final int NETWORK = 8;
  public static final int UNAUTHORIZED = 9;
  public static final int FORBIDDEN = 10;
  public static final int CLOCK_DRIFT = 11;
  public static final int TOO_LARGE = 12;
  public static final int INTERNAL = 13;
  public static final int SERVER = 14;
  public static final int BAD_SIGNATURE = 15;

  private final int code;
  private final String field;

  public YkienException(int code, String message, String field) {
    super(message);
    this.code = code;
    this.field = field == null ? "" : field;
  }

  /** The stable error code (YKIEN_EINVALID = 1, ...). */
  public int code() {
    return code;
  }

  /** The input field at fault ("due_date", "changes[3].hlc"), or "". */
  public String field() {
    return field;
  }
}
