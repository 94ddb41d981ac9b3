package dev.courier.task.builtin;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code fail}: throws {@code payload.message}, to show retries and dead letters. With {@code
 * payload.until} (an ISO-8601 instant) it fails only before that instant, like a dependency that is
 * down for a while; with {@code "permanent": true} the failure is one no retry can mend (DEAD after
 * one attempt).
 */
@ApplicationScoped
@TaskType("fail")
public class FailHandler implements TaskHandler {

  @Override
  public JsonValue run(TaskContext task) {
    String until = task.payload().getString("until", null);
    if (until != null) {
      try {
        if (!Instant.now().isBefore(Instant.parse(until))) {
          return JSON.createObjectBuilder().add("recoveredAfter", until).build();
        }
      } catch (DateTimeParseException e) {
        throw new TaskFailure("'until' must be an ISO-8601 instant such as 2026-12-01T09:00:00Z");
      }
    }
    String message = task.payload().getString("message", "failed on purpose");
    throw task.payload().getBoolean("permanent", false)
        ? TaskFailure.permanent(message)
        : new TaskFailure(message);
  }
}
