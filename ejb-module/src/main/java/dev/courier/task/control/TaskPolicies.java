package dev.courier.task.control;

import dev.courier.queue.control.TaskQueues;
import dev.courier.task.entity.RateLimit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;

/**
 * Per task type, from MicroProfile Config: {@code courier.task.<type>.queue} (default {@code
 * default}), {@code courier.task.<type>.rate-limit} ({@code 10/s}, {@code 600/m}, {@code 100/h};
 * none by default) and {@code courier.task.<type>.timeout-seconds} (default {@code
 * courier.tasks.timeout-seconds}; 0 for none). Every such key is checked when Courier starts, so a
 * typo fails the deployment instead of being ignored.
 */
@ApplicationScoped
public class TaskPolicies {

  static final String PREFIX = "courier.task.";

  @Inject Config config;
  @Inject TaskQueues queues;

  private final Map<String, Policy> byType = new ConcurrentHashMap<>();

  /** How one type's tasks run. */
  public record Policy(String queue, Optional<RateLimit> rateLimit, Optional<Duration> timeout) {}

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
    check();
  }

  void check() {
    for (String name : config.getPropertyNames()) {
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String rest = name.substring(PREFIX.length());
      int dot = rest.lastIndexOf('.');
      String setting = dot < 0 ? rest : rest.substring(dot + 1);
      if (dot <= 0
          || !Map.of("queue", 1, "rate-limit", 1, "timeout-seconds", 1).containsKey(setting)) {
        throw new IllegalStateException(
            "unknown setting "
                + name
                + "; a task type takes courier.task.<type>.queue, .rate-limit or .timeout-seconds");
      }
      of(rest.substring(0, dot));
    }
  }

  /** The queue a request goes to: its own, or its type's. */
  public String queueFor(dev.courier.task.entity.TaskRequest request) {
    if (request.queue() == null) {
      return of(request.type()).queue();
    }
    if (!queues.exists(request.queue())) {
      throw new dev.courier.task.entity.InvalidTaskRequest(
          "Unknown queue",
          "there is no queue '" + request.queue() + "'; the queues are " + queues.names());
    }
    return request.queue();
  }

  public Policy of(String type) {
    return byType.computeIfAbsent(type, this::read);
  }

  private Policy read(String type) {
    String queue =
        config.getOptionalValue(PREFIX + type + ".queue", String.class).orElse(TaskQueues.DEFAULT);
    if (!queues.exists(queue)) {
      throw new IllegalStateException(
          PREFIX
              + type
              + ".queue names queue '"
              + queue
              + "', which is not in courier.queues "
              + queues.names());
    }
    Optional<RateLimit> rate =
        config.getOptionalValue(PREFIX + type + ".rate-limit", String.class).map(RateLimit::parse);
    long seconds =
        config
            .getOptionalValue(PREFIX + type + ".timeout-seconds", Long.class)
            .orElseGet(
                () ->
                    config
                        .getOptionalValue("courier.tasks.timeout-seconds", Long.class)
                        .orElse(0L));
    if (seconds < 0) {
      throw new IllegalStateException("a timeout cannot be negative: " + type + " has " + seconds);
    }
    return new Policy(
        queue, rate, seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds)));
  }
}
