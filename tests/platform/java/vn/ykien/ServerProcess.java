package vn.ykien;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ykien-server on 127.0.0.1 and a free port, SQLite backend in {@code dir},
 * with Tân Phú ward's units: as tests/cli/test_sync.cpp starts it. Close to stop it.
 */
final class ServerProcess implements AutoCloseable {
  private final String binary;
  private final File dir;
  private final Process process;
  private final String port;

  ServerProcess(String binary, File dir) throws IOException, InterruptedException {
    this.binary = binary;
    this.dir = dir;
    File units = new File(dir, "units.csv");
    Files.write(units.toPath(), ("code,name,kind,parent\n70,Tỉnh Bình Phước,province,\n"
        + "tan-phu,Phường Tân Phú,ward,70\nkp-3,Khu phố 3,hamlet,70/tan-phu\n").getBytes(StandardCharsets.UTF_8));
    admin("import-units", units.getPath());
    File portFile = new File(dir, "port");
    process = new ProcessBuilder(binary, "serve", "--data", data(), "--host", "127.0.0.1", "--port", "0",
        "--port-file", portFile.getPath())
        .redirectErrorStream(true)
        .redirectOutput(new File(dir, "server.log"))
        .start();
    // Also stopped when the JVM ends some other way (System.exit, SIGTERM from CTest).
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    String p = "";
    for (int i = 0; i < 200 && p.isEmpty(); i++) {
      if (portFile.exists()) p = new String(Files.readAllBytes(portFile.toPath()), StandardCharsets.UTF_8).trim();
      if (p.isEmpty()) {
        if (!process.isAlive()) throw new IOException("ykien-server exited: " + log());
        Thread.sleep(50);
      }
    }
    if (p.isEmpty()) {
      close();
      throw new IOException("ykien-server wrote no port in 10 s: " + log());
    }
    port = p;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Runs {@code ykien-server admin --data DIR args...}; returns its stdout, trimmed. */
  String admin(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(Arrays.asList(binary, "admin", "--data", data()));
    command.addAll(Arrays.asList(args));
    File out = new File(dir, "admin.out");
    File err = new File(dir, "admin.err");
    Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    String text = new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + text
          + new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8));
    }
    return text;
  }

  String log() throws IOException {
    File f = new File(dir, "server.log");
    return f.exists() ? new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();  // SIGTERM: the server stops cleanly
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }

  private String data() {
    return new File(dir, "server").getPath();
  }
}
