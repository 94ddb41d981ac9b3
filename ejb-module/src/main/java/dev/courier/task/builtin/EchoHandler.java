package dev.courier.task.builtin;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;

/** {@code echo}: the result is the payload. For demos, tests and benchmarks. */
@ApplicationScoped
@TaskType("echo")
public class EchoHandler implements TaskHandler {

  @Override
  public JsonValue run(TaskContext task) {
    return task.payload();
  }
}
