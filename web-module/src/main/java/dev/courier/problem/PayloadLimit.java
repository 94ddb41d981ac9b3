package dev.courier.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses request bodies over {@code courier.tasks.max-payload-bytes} with 413, whether the client
 * declares the length or streams the body in chunks.
 */
@Provider
public class PayloadLimit implements ContainerRequestFilter {

  @Inject
  @ConfigProperty(name = "courier.tasks.max-payload-bytes", defaultValue = "1048576")
  long limit;

  @Override
  public void filter(ContainerRequestContext request) {
    String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && !declared.isBlank() && Long.parseLong(declared.trim()) > limit) {
      throw tooLarge("the request body has " + declared.trim() + " bytes");
    }
    request.setEntityStream(new Bounded(request.getEntityStream(), limit));
  }

  private WebApplicationException tooLarge(String what) {
    return new WebApplicationException(
        what + "; the limit is " + limit + " bytes (courier.tasks.max-payload-bytes)",
        Response.Status.REQUEST_ENTITY_TOO_LARGE);
  }

  private final class Bounded extends FilterInputStream {
    private final long max;
    private long read;

    Bounded(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw tooLarge("the request body has more than " + max + " bytes");
      }
    }
  }
}
