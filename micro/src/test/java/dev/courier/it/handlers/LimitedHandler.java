package dev.courier.it.handlers;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;

/** {@code it.limited}: an echo whose type the tests give a rate limit (10/s). */
@ApplicationScoped
@TaskType("it.limited")
public class LimitedHandler implements TaskHandler {

  @Override
  public JsonValue run(TaskContext task) {
    return task.payload();
  }
}
