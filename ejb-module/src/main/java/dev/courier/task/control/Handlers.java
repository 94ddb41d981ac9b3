package dev.courier.task.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;

/** Finds the {@link TaskHandler} bean for a task type. */
@ApplicationScoped
public class Handlers {

  @Inject @Any Instance<TaskHandler> handlers;

  public Optional<TaskHandler> forType(String type) {
    Instance<TaskHandler> candidate = handlers.select(new TaskType.Literal(type));
    return candidate.isResolvable() ? Optional.of(candidate.get()) : Optional.empty();
  }

  public boolean knows(String type) {
    return handlers.select(new TaskType.Literal(type)).isResolvable();
  }
}
