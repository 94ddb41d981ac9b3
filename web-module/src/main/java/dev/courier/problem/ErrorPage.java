package dev.courier.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

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
    int status = code instanceof Integer i ? i : HttpServletResponse.SC_NOT_FOUND;
    Status known = Status.fromStatusCode(status);
    String title = known == null ? "Error " + status : known.getReasonPhrase();
    String detail =
        switch (status) {
          case 400 ->
              "the request cannot be read (its request line or a header such as Content-Type is"
                  + " malformed)";
          case 404 -> "nothing is here";
          case 405 -> "this resource does not take " + request.getMethod();
          default -> title;
        };
    Problem problem =
        new Problem(
            "https://courier.dev/problems/" + title.toLowerCase(Locale.ROOT).replace(' ', '-'),
            title,
            status,
            detail);
    response.setStatus(status);
    response.setContentType(Problem.MEDIA_TYPE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(problem.toJson());
  }
}
