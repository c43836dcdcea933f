package vn.ykien;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * An app's own HTTP client as the sync's {@link HttpTransport}, here the JDK's
 * HttpURLConnection (an Android app would use OkHttp the same way): headers and
 * body sent as given, any status returned, the body handed back decoded.
 */
final class UrlConnectionTransport implements HttpTransport {
  int exchanges = 0;

  @Override
  public Response send(String method, String url, String[] names, String[] values, byte[] body) throws IOException {
    exchanges++;
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(10_000);
    c.setReadTimeout(60_000);
    c.setRequestMethod(method);
    for (int i = 0; i < names.length; i++) c.setRequestProperty(names[i], values[i]);
    // As OkHttp does: ask for gzip, and decode it below (the sync wants the plain body).
    c.setRequestProperty("Accept-Encoding", "gzip");
    if (body.length > 0) {
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();  // IOException when no response came
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    boolean gzip = "gzip".equalsIgnoreCase(c.getContentEncoding());
    byte[] reply = new byte[0];
    if (in != null) {
      try (InputStream stream = gzip ? new GZIPInputStream(in) : in) {
        reply = readAll(stream);
      }
    }
    List<String> headerNames = new ArrayList<>();
    List<String> headerValues = new ArrayList<>();
    for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
      // The status line has no name; Content-Encoding no longer applies to the decoded body.
      if (h.getKey() == null || h.getKey().equalsIgnoreCase("Content-Encoding")) continue;
      for (String v : h.getValue()) {
        headerNames.add(h.getKey());
        headerValues.add(v);
      }
    }
    c.disconnect();
    return new Response(status, headerNames.toArray(new String[0]), headerValues.toArray(new String[0]), reply);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
    return out.toByteArray();
  }
}
