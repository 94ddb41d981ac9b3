package dev.courier.task.builtin;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

/**
 * {@code sleep}: waits {@code payload.ms} milliseconds, standing in for slow work; with {@code
 * payload.steps} it reports its progress after each of that many equal steps.
 */
@ApplicationScoped
@TaskType("sleep")
public class SleepHandler implements TaskHandler {

  private static final long MAX_MS = 3_600_000;

  @Override
  public JsonValue run(TaskContext task) throws InterruptedException {
    long millis = whole(task, "ms", 0, MAX_MS, -1);
    long steps = whole(task, "steps", 1, 1000, 1);
    for (long step = 1; step <= steps; step++) {
      Thread.sleep(millis / steps + (step == steps ? millis % steps : 0));
      if (steps > 1) {
        task.progress((int) (step * 100 / steps), "step " + step + " of " + steps);
      }
    }
    return JSON.createObjectBuilder().add("slept", millis).build();
  }

  private static long whole(TaskContext task, String field, long min, long max, long fallback) {
    JsonValue value = task.payload().get(field);
    if (value == null && fallback >= 0) {
      return fallback;
    }
    if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
      throw new TaskFailure("sleep needs a whole number '" + field + "' in its payload");
    }
    if (n.longValue() < min || n.longValue() > max) {
      throw new TaskFailure("'" + field + "' must be between " + min + " and " + max);
    }
    return n.longValue();
  }
}
