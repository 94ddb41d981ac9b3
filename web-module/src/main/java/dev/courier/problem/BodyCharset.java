package dev.courier.problem;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/**
 * Refuses a request whose Content-Type names a charset this JVM cannot decode with 415, before a
 * resource reads its body (the body reader would otherwise fail with an unchecked exception).
 */
@Provider
@PreMatching
public class BodyCharset implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    MediaType type;
    try {
      type = request.getMediaType();
    } catch (RuntimeException e) {
      // Jersey's HeaderValueException (a ProcessingException) or an IllegalArgumentException
      throw new BadRequestException(
          "the Content-Type header '"
              + request.getHeaderString(HttpHeaders.CONTENT_TYPE)
              + "' cannot be read: "
              + e.getMessage());
    }
    String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset == null) {
      return;
    }
    try {
      Charset.forName(charset.trim());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new NotSupportedException(
          "the request body's charset '" + charset + "' is not supported; send UTF-8");
    }
  }
}
