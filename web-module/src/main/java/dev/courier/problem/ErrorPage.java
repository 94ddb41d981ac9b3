package dev.courier.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The answer to an error the container or the JAX-RS runtime raises before Courier's code runs (a
 * Content-Type header it cannot parse, a body-less 404 or 405): a problem+json like every other
 * refusal of the API, in place of the server's HTML error page. WEB-INF/web.xml routes the error
 * codes here.
 */
@WebServlet("/courier-error")
public class ErrorPage extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    // web.xml routes only codes JAX-RS knows; an error page reached directly is a 404
    Status status =
        java.util.Objects.requireNonNullElse(
            code instanceof Integer i ? Status.fromStatusCode(i) : Status.NOT_FOUND,
            Status.INTERNAL_SERVER_ERROR);
    String detail =
        switch (status) {
          case BAD_REQUEST ->
              "the request cannot be read (its request line or a header such as Content-Type is"
                  + " malformed)";
          case NOT_FOUND -> "nothing is here";
          case METHOD_NOT_ALLOWED -> "this resource does not take " + request.getMethod();
          default -> status.getReasonPhrase();
        };
    Problem problem = Problem.of(status, detail);
    response.setStatus(status.getStatusCode());
    response.setContentType(Problem.MEDIA_TYPE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(problem.toJson());
  }
}
