package dev.courier.task.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the {@link TaskHandler} bean for a task type. The handler of a normal scope (an
 * application-scoped bean, say) is looked up once and its proxy kept: the look-up showed on every
 * task's path; one of another scope is looked up for each task.
 */
@ApplicationScoped
public class Handlers {

  @Inject @Any Instance<TaskHandler> handlers;
  @Inject BeanManager beans;

  private final Map<String, TaskHandler> kept = new ConcurrentHashMap<>();

  public Optional<TaskHandler> forType(String type) {
    TaskHandler handler = kept.get(type);
    if (handler != null) {
      return Optional.of(handler);
    }
    Instance<TaskHandler> candidate = handlers.select(new TaskType.Literal(type));
    if (!candidate.isResolvable()) {
      return Optional.empty();
    }
    Instance.Handle<TaskHandler> found = candidate.getHandle();
    if (beans.isNormalScope(found.getBean().getScope())) {
      return Optional.of(kept.computeIfAbsent(type, t -> found.get()));
    }
    return Optional.of(found.get());
  }

  public boolean knows(String type) {
    return kept.containsKey(type) || handlers.select(new TaskType.Literal(type)).isResolvable();
  }
}
