package dev.courier.task.builtin;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;

/** {@code noop}: does nothing and has no result. For benchmarks and checks of the task path. */
@ApplicationScoped
@TaskType("noop")
public class NoopHandler implements TaskHandler {

  @Override
  public JsonValue run(TaskContext task) {
    return JsonValue.NULL;
  }
}
