package vn.ykien;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JNI bridge syncing with a real ykien-server on loopback: a tablet (Java HTTP
 * transport, as an Android app) enrolls, pulls its ward's units, records a meeting's
 * opinion and pushes it; an office (the library's libcurl, when it has it) enrolls and
 * pulls it back. Then the tablet is revoked and told so. Exit status 1 on any failed check.
 * Arguments: path of ykien-server, a directory for temporary files.
 */
public final class YkienServerTest {
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

  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The id of the unit with {@code code} among the children of {@code parentId} (null: the top units). */
  private static String unitId(Ykien db, String parentId, String code) throws YkienException {
    Matcher m = Pattern.compile("\\{[^{}]*\"code\":\"" + Pattern.quote(code) + "\"[^{}]*\\}")
        .matcher(db.listUnits(parentId));
    return m.find() ? field(m.group(), "id") : "";
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) deleteTree(c);
    }
    f.delete();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: YkienServerTest <ykien-server> [temp dir]");
      System.exit(2);
    }
    File dir = new File(args.length > 1 ? args[1] : ".", "jni-server-" + System.nanoTime());
    check(dir.mkdirs(), "temp dir");
    final String content = "Đề nghị cấp sổ đỏ cho hộ ông Tư 🏠";
    try (ServerProcess server = new ServerProcess(args[0], dir);
         Ykien tablet = Ykien.open(new File(dir, "tablet.db").getPath());
         Ykien office = Ykien.open(new File(dir, "office.db").getPath())) {
      UrlConnectionTransport http = new UrlConnectionTransport();
      try (YkienSync tabletSync = new YkienSync(tablet, server.url(), http)) {
        String enrolled = tabletSync.enroll(server.admin("create-code", "--unit", "70/tan-phu"), "Máy tính bảng KP3");
        String tabletDevice = field(enrolled, "device_id");
        check(!tabletDevice.isEmpty() && enrolled.contains("70/tan-phu"), "tablet enrolled: " + enrolled);
        String first = tabletSync.run(null);
        check(first.contains("\"caught_up\":true") && number(first, "pulled") > 0, "first sync pulls units: " + first);

        // The ward's units came down: the meeting is held in Khu phố 3.
        String hamlet = unitId(tablet, unitId(tablet, null, "tan-phu"), "kp-3");
        check(!hamlet.isEmpty(), "Khu phố 3 pulled: " + tablet.listUnits(null));
        String meeting = field(tablet.createMeeting("{\"unit_id\":\"" + hamlet + "\",\"kind\":\"residential_saturday\","
            + "\"held_at\":\"2024-06-29 07:30\",\"attendance\":65}"), "id");
        String opinionId = field(tablet.recordOpinion("{\"meeting_id\":\"" + meeting + "\",\"kind\":\"opinion\","
            + "\"category\":\"land\",\"content\":\"" + content + "\"}"), "id");
        check(!opinionId.isEmpty(), "opinion recorded");

        final List<String> phases = Collections.synchronizedList(new ArrayList<>());
        String pushed = tabletSync.run((phase, p, pulled, refused, sent, received, trips) -> phases.add(phase));
        check(number(pushed, "pushed") > 0 && number(pushed, "refused") == 0 && pushed.contains("\"caught_up\":true"),
            "tablet pushed: " + pushed);
        check(phases.contains("push"), "push progress reported: " + phases);
        check(tabletSync.refused().equals("[]"), "nothing refused: " + tabletSync.refused());
        check(http.exchanges >= 4, "enroll, pull, push, pull through the Java transport: " + http.exchanges);

        // The office pulls it from the server, with the library's own HTTP if it has one.
        final List<String> heard = Collections.synchronizedList(new ArrayList<>());
        office.addChangeListener((table, ids) -> {
          for (String id : ids) heard.add(table + ":" + id);
        });
        YkienSync officeSync;
        try {
          officeSync = new YkienSync(office, server.url(), null);
        } catch (YkienException e) {
          System.out.println("office syncs through the Java transport: " + e.getMessage());
          officeSync = new YkienSync(office, server.url(), new UrlConnectionTransport());
        }
        try (YkienSync sync = officeSync) {
          sync.enroll(server.admin("create-code", "--unit", "70/tan-phu"), "Văn phòng phường Tân Phú");
          String pulled = sync.run(null);
          check(number(pulled, "pulled") > 0, "office pulled: " + pulled);
        }
        String found = office.searchOpinions("so do", null);
        check(found.contains(opinionId) && found.contains(content), "office finds the tablet's opinion: " + found);
        check(heard.contains("opinions:" + opinionId), "office observer heard the pulled opinion");
        check(office.stateHash().equals(tablet.stateHash()), "office and tablet hold the same state");

        // The server knows both devices; a revoked tablet gets UNAUTHORIZED.
        String devices = server.admin("list-devices", "--json");
        check(devices.contains(tabletDevice), "server lists the tablet: " + devices);
        server.admin("revoke", tabletDevice);
        try {
          tabletSync.run(null);
          check(false, "a revoked tablet synced");
        } catch (YkienException e) {
          check(e.code() == YkienException.UNAUTHORIZED, "revoked: " + e.code() + " " + e.getMessage());
        }
      }
    } catch (Exception e) {
      e.printStackTrace();
      failures++;
    } finally {
      if (failures > 0) {
        File log = new File(dir, "server.log");
        System.err.println("server log (" + log + "):");
        if (log.exists()) System.err.println(new String(Files.readAllBytes(log.toPath()), StandardCharsets.UTF_8));
      } else {
        deleteTree(dir);
      }
    }
    if (failures > 0) {
      System.err.println("YkienServerTest: " + failures + " check(s) failed");
      System.exit(1);
    }
    System.out.println("YkienServerTest: all checks passed");
  }
}
