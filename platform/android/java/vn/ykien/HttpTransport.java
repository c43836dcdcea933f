package vn.ykien;

import java.io.IOException;

/**
 * The app's own HTTP client (OkHttp...) for syncing. Called on the thread running the
 * sync, one exchange at a time. Send the headers and body as given; return any HTTP
 * response whatever its status, with the body decoded (no Content-Encoding); throw
 * IOException when no response came.
 */
public interface HttpTransport {
  final class Response {
    public final int status;
    public final String[] headerNames;
    public final String[] headerValues;
    public final byte[] body;

    public Response(int status, String[] headerNames, String[] headerValues, byte[] body) {
      this.status = status;
      this.headerNames = headerNames == null ? new String[0] : headerNames;
      this.headerValues = headerValues == null ? new String[0] : headerValues;
      this.body = body == null ? new byte[0] : body;
    }
  }

  Response send(String method, String url, String[] headerNames, String[] headerValues, byte[] body)
      throws IOException;
}
