package vn.ykien;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JNI bridge on a desktop JVM: plain main, exit status 1 on any failed check. */
public final class YkienTest {
  private static int failures = 0;

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("CHECK failed: " + what);
      failures++;
    }
  }

  private static String field(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  /** Plays the sync server (the request body is gzip: not read). */
  static final class FakeServer implements HttpTransport {
    int pulls = 0;
    String firstPull = "[]";
    boolean down = false;

    @Override
    public Response send(String method, String url, String[] names, String[] values, byte[] body) throws IOException {
      if (down) throw new IOException("no signal in the rice fields");
      long now = System.currentTimeMillis();
      String reply;
      if (url.endsWith("/v1/enroll")) {
        reply = "{\"device_id\":\"dev-9\",\"token\":\"t\",\"scopes\":[\"vn\"],\"server_time\":" + now + "}";
      } else if (url.endsWith("/v1/keys")) {
        // A device enrolled without a key registers one before its first push.
        reply = "{\"server_key\":\"\",\"server_time\":" + now + "}";
      } else if (url.endsWith("/v1/push")) {
        reply = "{\"applied\":0,\"ignored\":0,\"conflicts\":0,\"server_time\":" + now + "}";
      } else {
        pulls++;
        reply = "{\"changes\":" + (pulls == 1 ? firstPull : "[]") + ",\"cursor\":\"c" + pulls
            + "\",\"more\":false,\"server_time\":" + now + "}";
      }
      return new Response(200, new String[] {"Content-Type"}, new String[] {"application/json"},
          reply.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  public static void main(String[] args) throws Exception {
    File dir = new File(args.length > 0 ? args[0] : ".", "jni-test-" + System.nanoTime());
    check(dir.mkdirs(), "temp dir");
    final List<String> logs = Collections.synchronizedList(new ArrayList<>());
    Ykien.setLogSink((level, message) -> logs.add(level + " " + message), LogSink.DEBUG);
    check(Ykien.version().equals("0.1.0"), "version");

    final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    try (Ykien db = Ykien.open(new File(dir, "tablet.db").getPath());
         Ykien office = Ykien.open(new File(dir, "office.db").getPath(), 3000)) {
      long listener = db.addChangeListener((table, ids) -> {
        for (String id : ids) heard.add(table + ":" + id);
        threads.add(Thread.currentThread().getName());
      });

      // Record and query, with Vietnamese text and an emoji (real UTF-8 both ways).
      String unit = db.createUnit("{\"code\":\"ap-3\",\"name\":\"Ấp 3 🌾\",\"kind\":\"hamlet\"}");
      String unitId = field(unit, "id");
      check(unit.contains("Ấp 3 🌾"), "unit name round trip: " + unit);
      String meeting = db.createMeeting("{\"unit_id\":\"" + unitId + "\",\"kind\":\"residential_saturday\","
          + "\"held_at\":\"2024-03-02 08:00\",\"attendance\":40}");
      String meetingId = field(meeting, "id");
      String opinion = db.recordOpinion("{\"meeting_id\":\"" + meetingId + "\",\"kind\":\"opinion\","
          + "\"category\":\"land\",\"content\":\"Đề nghị làm rõ ranh giới đất đai\"}");
      String opinionId = field(opinion, "id");
      check(!opinionId.isEmpty(), "opinion id");
      check(heard.contains("opinions:" + opinionId), "observer fired for the opinion");
      check(db.searchOpinions("dat dai", null).contains(opinionId), "search folds diacritics");
      check(db.listOpinions("{\"meeting_id\":\"" + meetingId + "\"}").contains("ranh giới"), "list by meeting");
      check(db.changeStatus(opinionId, "{\"to\":\"withdrawn\",\"note\":\"Người dân rút\"}").contains("withdrawn"),
          "change status");
      check(db.report(null).contains("\"opinions\":1"), "report");

      // An observer called from a native thread (attached for the call).
      heard.clear();
      String fromNative = Ykien.recordOpinionFromNativeThreadForTest(db, "{\"meeting_id\":\"" + meetingId
          + "\",\"kind\":\"petition\",\"category\":\"environment\",\"content\":\"Rác thải\"}");
      check(heard.contains("opinions:" + field(fromNative, "id")), "observer fired on a native thread");
      check(threads.contains("ykien-callback"), "native thread attached as ykien-callback: " + threads);

      // Errors become YkienException with the stable code and the field.
      try {
        db.recordOpinion("{not json");
        check(false, "invalid JSON accepted");
      } catch (YkienException e) {
        check(e.code() == YkienException.CORRUPT, "invalid JSON code " + e.code());
      }
      try {
        db.recordOpinion("{\"anonymous\":\"yes\"}");
        check(false, "wrong type accepted");
      } catch (YkienException e) {
        check(e.code() == YkienException.INVALID_ARGUMENT && e.field().equals("anonymous"),
            "wrong type: " + e.code() + " " + e.field());
      }
      try {
        db.getOpinion("01900000-0000-7000-8000-000000000000");
        check(false, "missing opinion found");
      } catch (YkienException e) {
        check(e.code() == YkienException.NOT_FOUND, "not found code " + e.code());
      }
      try {
        db.recordOpinion(null);
        check(false, "null accepted");
      } catch (YkienException e) {
        check(e.code() == YkienException.INVALID_ARGUMENT, "null code " + e.code());
      }
      check(logs.stream().anyMatch(l -> l.contains("ykien_opinion_get")), "failed call logged");

      // Replicate to another database.
      String changes = db.exportChanges(0);
      check(office.applyChanges(changes, "tablet", false).contains("\"applied\""), "apply");
      check(office.stateHash().equals(db.stateHash()), "same state after apply");

      // Sync through a Java HttpTransport: the pull brings an opinion made on the office.
      String officeOpinion = office.recordOpinion("{\"meeting_id\":\"" + meetingId + "\",\"kind\":\"opinion\","
          + "\"category\":\"land\",\"content\":\"Từ văn phòng\"}");
      String exported = office.exportChanges(0);
      FakeServer server = new FakeServer();
      server.firstPull = exported.substring(exported.indexOf('['), exported.lastIndexOf(']') + 1);
      YkienSync maybeSync = null;
      try {
        maybeSync = new YkienSync(db, "https://hub.example", server);
      } catch (YkienException e) {
        check(e.code() == YkienException.INVALID_STATE && e.getMessage().contains("without sync"),
            "sync handle: " + e.getMessage());
        System.out.println("sync checks skipped: " + e.getMessage());
      }
      if (maybeSync != null) try (YkienSync sync = maybeSync) {
        check(sync.enroll("CODE-1", "Máy tính bảng ấp 3").contains("dev-9"), "enroll");
        final long[] progressCalls = {0};
        heard.clear();
        String report = sync.run((phase, pushed, pulled, refused, sent, received, trips) -> progressCalls[0]++);
        check(report.contains("\"caught_up\":true"), "sync report " + report);
        check(progressCalls[0] >= 2, "progress called");
        check(heard.contains("opinions:" + field(officeOpinion, "id")), "observer fired for a pulled row");
        server.down = true;
        try {
          sync.run(null);
          check(false, "sync without network succeeded");
        } catch (YkienException e) {
          check(e.code() == YkienException.NETWORK && e.getMessage().contains("rice fields"),
              "network error mapped: " + e.code() + " " + e.getMessage());
        }
      }

      db.removeChangeListener(listener);
      heard.clear();
      db.recordOpinion("{\"meeting_id\":\"" + meetingId + "\",\"kind\":\"opinion\",\"category\":\"land\","
          + "\"content\":\"Sau khi gỡ\"}");
      check(heard.isEmpty(), "removed listener not called");

      // Two Java threads at once on one database.
      final int[] threadFailures = {0};
      Thread[] workers = new Thread[2];
      for (int t = 0; t < workers.length; t++) {
        workers[t] = new Thread(() -> {
          for (int i = 0; i < 20; i++) {
            try {
              db.recordOpinion("{\"meeting_id\":\"" + meetingId + "\",\"kind\":\"opinion\","
                  + "\"category\":\"land\",\"content\":\"Luồng " + i + "\"}");
              db.listOpinions("{\"limit\":3}");
            } catch (YkienException e) {
              synchronized (threadFailures) {
                threadFailures[0]++;
              }
            }
          }
        });
        workers[t].start();
      }
      for (Thread w : workers) w.join();
      check(threadFailures[0] == 0, "concurrent calls");

      db.close();
      try {
        db.listOpinions(null);
        check(false, "use after close accepted");
      } catch (YkienException e) {
        check(e.code() == YkienException.INVALID_STATE, "use after close code " + e.code());
      }
    }
    Ykien.setLogSink(null, 0);

    File[] files = dir.listFiles();
    if (files != null) {
      for (File f : files) f.delete();
    }
    dir.delete();
    if (failures > 0) {
      System.err.println("YkienTest: " + failures + " check(s) failed");
      System.exit(1);
    }
    System.out.println("YkienTest: all checks passed");
  }
}
