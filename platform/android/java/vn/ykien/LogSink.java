package vn.ykien;

/** Receives ykien's log lines; called on whichever thread logs. */
public interface LogSink {
  int DEBUG = 10;
  int INFO = 20;
  int WARN = 30;
  int ERROR = 40;

  void log(int level, String message);
}
