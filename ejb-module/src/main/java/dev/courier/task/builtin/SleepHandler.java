package dev.courier.task.builtin;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

/** {@code sleep}: waits {@code payload.ms} milliseconds, standing in for slow work. */
@ApplicationScoped
@TaskType("sleep")
public class SleepHandler implements TaskHandler {

  private static final long MAX_MS = 3_600_000;

  @Override
  public JsonValue run(TaskContext task) throws InterruptedException {
    if (!(task.payload().get("ms") instanceof JsonNumber ms) || !ms.isIntegral()) {
      throw new TaskFailure("sleep needs a whole number 'ms' in its payload");
    }
    long millis = ms.longValue();
    if (millis < 0 || millis > MAX_MS) {
      throw new TaskFailure("'ms' must be between 0 and " + MAX_MS);
    }
    Thread.sleep(millis);
    return Json.createObjectBuilder().add("slept", millis).build();
  }
}
