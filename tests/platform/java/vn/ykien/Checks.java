package vn.ykien;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks for the JNI tests' plain mains: failures counted, exit status 1 at the end. */
final class Checks {
  private static int failures = 0;

  private Checks() {}

  static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("CHECK failed: " + what);
      failures++;
    }
  }

  /** The value of "key":"..." in flat JSON text, or "". */
  static String field(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  static void finish(String name) {
    if (failures > 0) {
      System.err.println(name + ": " + failures + " check(s) failed");
      System.exit(1);
    }
    System.out.println(name + ": all checks passed");
  }
}
