package vn.ykien;

import static vn.ykien.Checks.check;
import static vn.ykien.Checks.field;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The JNI bridge's key store, wipe and attachments on a desktop JVM (issue 19): a
 * Java KeyStore holds the device's secrets; a revoked device erases its files and
 * secrets and tells the (fake) server; photos go in and come back whole. Plain
 * main, exit status 1 on any failed check.
 */
public final class YkienKeysTest {
  /** A host's store in memory; locked = every call throws, as a locked keychain would. */
  static final class MapKeyStore implements KeyStore {
    final Map<String, String> kept = new HashMap<>();
    boolean locked = false;

    @Override
    public String get(String name) throws Exception {
      if (locked) throw new IllegalStateException("locked");
      return kept.get(name);
    }

    @Override
    public void put(String name, String value) throws Exception {
      if (locked) throw new IllegalStateException("locked");
      kept.put(name, value);
    }

    @Override
    public void erase(String name) throws Exception {
      if (locked) throw new IllegalStateException("locked");
      kept.remove(name);
    }
  }

  /** Plays the sync server; once revoked, answers 401 with a wipe order. */
  static final class FakeServer implements HttpTransport {
    boolean revoked = false;
    boolean wiped = false;
    String lastAuth = "";

    @Override
    public Response send(String method, String url, String[] names, String[] values, byte[] body) throws IOException {
      long now = System.currentTimeMillis();
      lastAuth = "";
      for (int i = 0; i < names.length; i++) if (names[i].equals("Authorization")) lastAuth = values[i];
      int status = 200;
      String reply;
      if (url.endsWith("/v1/enroll")) {
        reply = "{\"device_id\":\"dev-9\",\"token\":\"tok-of-tablet-9\",\"scopes\":[\"vn\"],\"key_recorded\":true,"
            + "\"server_time\":" + now + "}";
      } else if (revoked && url.endsWith("/v1/wiped")) {
        wiped = lastAuth.equals("Bearer tok-of-tablet-9");
        reply = "{\"ok\":true}";
      } else if (revoked) {
        status = 401;
        reply = "{\"code\":\"unauthorized\",\"message\":\"this device was revoked\",\"wipe\":true}";
      } else if (url.endsWith("/v1/push")) {
        reply = "{\"applied\":0,\"ignored\":0,\"conflicts\":0,\"server_time\":" + now + "}";
      } else {
        reply = "{\"changes\":[],\"cursor\":\"c1\",\"more\":false,\"server_time\":" + now + "}";
      }
      return new Response(status, new String[] {"Content-Type"}, new String[] {"application/json"},
          reply.getBytes(StandardCharsets.UTF_8));
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[7000];  // not a divisor of the sizes: reads end mid-buffer
    for (int n; (n = in.read(buffer, 0, buffer.length)) > 0;) out.write(buffer, 0, n);
    return out.toByteArray();
  }

  static void keysAndWipe(File dir) throws Exception {
    File path = new File(dir, "tablet.db");
    MapKeyStore keys = new MapKeyStore();
    FakeServer server = new FakeServer();
    Ykien db = Ykien.open(path.getPath());
    YkienSync sync;
    try {
      sync = new YkienSync(db, "https://hub.example", server, keys);
    } catch (YkienException e) {
      check(e.code() == YkienException.INVALID_STATE && e.getMessage().contains("without sync"), "sync " + e);
      db.close();
      return;
    }
    try {
      keys.locked = true;
      try {
        sync.enroll("CODE-9", "Máy ấp 9");
        check(false, "enrolled through a locked store");
      } catch (YkienException e) {
        check(e.code() == YkienException.STORAGE && e.getMessage().contains("sync.signing_secret"),
            "locked store: " + e.code() + " " + e.getMessage());
      }
      keys.locked = false;
      check(keys.kept.isEmpty(), "nothing kept from the failed enrollment");

      check(sync.enroll("CODE-9", "Máy ấp 9").contains("dev-9"), "enroll");
      check("tok-of-tablet-9".equals(keys.kept.get("sync.token")), "token in the Java store");
      String secret = keys.kept.get("sync.signing_secret");
      check(secret != null && secret.length() == 128, "signing secret in the Java store");
      check(!new File(path.getPath() + ".keys").exists(), "no key file beside the database");
      sync.run(null);
      check(server.lastAuth.equals("Bearer tok-of-tablet-9"), "token sent: " + server.lastAuth);
      check(!sync.wipeOrdered(), "no wipe order yet");

      server.revoked = true;
      try {
        sync.run(null);
        check(false, "a revoked device synced");
      } catch (YkienException e) {
        check(e.code() == YkienException.UNAUTHORIZED, "revoked: " + e.code());
      }
      check(sync.wipeOrdered(), "wipe ordered");
      db.close();
      check(path.exists(), "database still there before the erase");
      Ykien.eraseDatabaseFiles(path.getPath(), keys);
      check(!path.exists() && !new File(path.getPath() + "-wal").exists(), "database erased");
      check(keys.kept.isEmpty(), "secrets erased from the Java store: " + keys.kept);
      sync.reportWiped();
      check(server.wiped, "the server told, with the device's token");
    } finally {
      sync.close();
      db.close();
    }
  }

  static void attachments(File dir) throws Exception {
    byte[] photo = new byte[300000];
    photo[0] = (byte) 0xFF;
    photo[1] = (byte) 0xD8;
    photo[2] = (byte) 0xFF;
    for (int i = 3; i < photo.length; i++) photo[i] = (byte) (i * 31 % 251);
    byte[] png = "\u0089PNG\r\n\u001a\n\0\0\0\rIHDR anh con duong".getBytes(StandardCharsets.ISO_8859_1);
    File photoFile = new File(dir, "bien-ban.jpg");
    try (FileOutputStream out = new FileOutputStream(photoFile)) {
      out.write(photo);
    }
    try (Ykien db = Ykien.open(new File(dir, "attach.db").getPath())) {
      String unitId = field(db.createUnit("{\"code\":\"ap-9\",\"name\":\"Ấp 9\",\"kind\":\"hamlet\"}"), "id");
      String meetingId = field(db.createMeeting("{\"unit_id\":\"" + unitId + "\",\"kind\":\"residential_saturday\","
          + "\"held_at\":\"2024-03-02 08:00\",\"attendance\":40}"), "id");
      String target = "{\"meeting_id\":\"" + meetingId + "\",\"caption\":\"Biên bản họp\"}";
      String fromFile = db.addAttachmentFile(photoFile.getPath(), target);
      check(fromFile.contains("image/jpeg") && fromFile.contains("Biên bản họp"), "from a file: " + fromFile);
      String fromBytes = db.addAttachmentBytes(png, "{\"meeting_id\":\"" + meetingId + "\"}");
      check(fromBytes.contains("image/png"), "from bytes: " + fromBytes);
      String list = db.listAttachments(null, meetingId);
      check(list.contains(field(fromFile, "sha256")) && list.contains(field(fromBytes, "sha256")), "list " + list);
      try (YkienBlob blob = db.openBlob(field(fromFile, "sha256"))) {
        check(blob.size() == photo.length, "blob size " + blob.size());
        check(Arrays.equals(readAll(blob), photo), "the photo read back whole");
      }
      try (YkienBlob blob = db.openBlob(field(fromBytes, "sha256"))) {
        check(Arrays.equals(readAll(blob), png), "the bytes read back whole");
      }
      try {
        db.addAttachmentBytes("ghi chép".getBytes(StandardCharsets.UTF_8), target);
        check(false, "a text file accepted");
      } catch (YkienException e) {
        check(e.code() == YkienException.INVALID_ARGUMENT && e.field().equals("file"), "text refused: " + e);
      }
      try {
        db.openBlob("0000000000000000000000000000000000000000000000000000000000000000").close();
        check(false, "an unknown blob opened");
      } catch (YkienException e) {
        check(e.code() == YkienException.NOT_FOUND, "unknown blob: " + e.code());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    File dir = new File(args.length > 0 ? args[0] : ".", "jni-keys-test-" + System.nanoTime());
    check(dir.mkdirs(), "temp dir");
    keysAndWipe(dir);
    attachments(dir);
    Checks.finish("YkienKeysTest");
  }
}
