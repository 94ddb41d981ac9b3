package dev.courier.problem;

import dev.courier.messaging.entity.InvalidMessage;
import dev.courier.messaging.entity.NotPermitted;
import dev.courier.messaging.entity.UnknownTopic;
import dev.courier.queue.entity.UnknownQueue;
import dev.courier.schedule.entity.InvalidSchedule;
import dev.courier.task.control.TaskSubmissions;
import dev.courier.task.entity.IllegalTransition;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.TaskState;
import jakarta.ejb.EJBException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every failure of the API into a problem+json response with the right status. */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

  @Context HttpHeaders headers;

  @Override
  public Response toResponse(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof EJBException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    Response problem = problem(cause).toResponse();
    if (cause instanceof WebApplicationException web) {
      // the answer's own headers (Retry-After, WWW-Authenticate) go with its problem body
      var kept = Response.fromResponse(problem);
      web.getResponse()
          .getStringHeaders()
          .forEach(
              (name, values) -> {
                if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
                    && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                  values.forEach(value -> kept.header(name, value));
                }
              });
      return kept.build();
    }
    if (cause instanceof TaskSubmissions.NotTaken) {
      return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, 1).build();
    }
    return problem;
  }

  private Problem problem(Throwable cause) {
    if (cause instanceof NotSupportedException) {
      // Courier's own refusals say why; the JAX-RS runtime's say only "HTTP 415 ..."
      String reason = cause.getMessage();
      return Problem.of(
          "unsupported-media-type",
          "Unsupported Media Type",
          Status.UNSUPPORTED_MEDIA_TYPE,
          reason != null && !reason.startsWith("HTTP 415")
              ? reason
              : "the API takes application/json; this request's Content-Type was "
                  + headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    }
    if (cause instanceof IllegalTransition conflict) {
      return Problem.of(
          "task-state-conflict",
          "Task state conflict",
          Status.CONFLICT,
          conflict.getMessage()
              + (conflict.from() == TaskState.PROCESSING
                  ? "; it is running"
                  : conflict.from().isFinal() ? "; it has finished" : ""));
    }
    if (cause instanceof UnknownQueue unknown) {
      return Problem.of("unknown-queue", "Unknown queue", Status.NOT_FOUND, unknown.getMessage());
    }
    if (cause instanceof UnknownTopic unknown) {
      return Problem.of("unknown-topic", "Unknown topic", Status.NOT_FOUND, unknown.getMessage());
    }
    if (cause instanceof NotPermitted refused) {
      return Problem.of("forbidden", "Forbidden", Status.FORBIDDEN, refused.getMessage());
    }
    if (cause instanceof InvalidMessage invalid) {
      return Problem.of(
          "invalid-message", "Invalid message", Status.BAD_REQUEST, invalid.getMessage());
    }
    if (cause instanceof InvalidSchedule invalid) {
      return Problem.of(
          "invalid-schedule", "Invalid schedule", Status.BAD_REQUEST, invalid.getMessage());
    }
    if (cause instanceof TaskSubmissions.NotTaken refused) {
      return Problem.of(
          "unavailable", "Service Unavailable", Status.SERVICE_UNAVAILABLE, refused.getMessage());
    }
    if (cause instanceof InvalidTaskRequest invalid) {
      String slug = invalid.title().toLowerCase(Locale.ROOT).replace(' ', '-');
      return Problem.of(slug, invalid.title(), Status.BAD_REQUEST, invalid.getMessage());
    }
    if (cause instanceof WebApplicationException web) {
      return Problem.of(web.getResponse().getStatusInfo(), web.getMessage());
    }
    LOG.log(Level.SEVERE, "unexpected failure in the API", cause);
    return Problem.of(
        "internal-error",
        "Internal error",
        Status.INTERNAL_SERVER_ERROR,
        "the server failed to handle the request; its log has the details");
  }
}
