package dev.courier.task.builtin;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;

/** {@code fail}: always throws {@code payload.message}, to show retries and dead letters. */
@ApplicationScoped
@TaskType("fail")
public class FailHandler implements TaskHandler {

  @Override
  public JsonValue run(TaskContext task) {
    throw new TaskFailure(task.payload().getString("message", "failed on purpose"));
  }
}
