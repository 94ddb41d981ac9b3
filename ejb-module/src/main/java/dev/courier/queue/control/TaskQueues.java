package dev.courier.queue.control;

import dev.courier.task.control.TaskMessages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The task queues Courier runs (MicroProfile Config {@code courier.queues}) and their broker
 * addresses: {@code default} is {@code courier.tasks}, any other queue {@code
 * courier.tasks.<name>}, and each has its dead-letter queue at {@code <address>.dlq}. How each is
 * consumed on this instance: {@code courier.queues.<name>.concurrency} (handlers at once), {@code
 * .prefetch} (bytes of messages a worker holds ahead; 0: one at a time, in priority order) and
 * {@code .batch} (deliveries a worker settles with the broker in one transaction).
 */
@ApplicationScoped
public class TaskQueues {

  public static final String DEFAULT = "default";
  private static final String PREFIX = TaskMessages.QUEUE + ".";
  private static final String DLQ_SUFFIX = ".dlq";

  @Inject
  @ConfigProperty(name = "courier.queues", defaultValue = DEFAULT)
  List<String> names;

  @Inject Config config;

  /** How a queue is consumed on each instance. */
  public record Consumption(int concurrency, int prefetchBytes, int batch) {}

  public Consumption consumption(String queue) {
    String prefix = "courier.queues." + queue + ".";
    int concurrency = setting(prefix + "concurrency", 4, 1, 1024);
    int prefetch = setting(prefix + "prefetch", 0, -1, Integer.MAX_VALUE);
    int batch = setting(prefix + "batch", 1, 1, 1000);
    return new Consumption(concurrency, prefetch, prefetch == 0 ? 1 : batch);
  }

  private int setting(String key, int fallback, int min, int max) {
    int value = config.getOptionalValue(key, Integer.class).orElse(fallback);
    if (value < min || value > max) {
      throw new IllegalStateException(
          key + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public List<String> names() {
    return names;
  }

  public boolean exists(String queue) {
    return names.contains(queue);
  }

  public static String address(String queue) {
    return DEFAULT.equals(queue) ? TaskMessages.QUEUE : PREFIX + queue;
  }

  public static String deadLetterAddress(String queue) {
    return address(queue) + DLQ_SUFFIX;
  }

  /** The queue whose address this is; empty for any other address. */
  public Optional<String> byAddress(String address) {
    if (TaskMessages.QUEUE.equals(address)) {
      return Optional.of(DEFAULT);
    }
    if (address != null && address.startsWith(PREFIX) && !address.endsWith(DLQ_SUFFIX)) {
      String name = address.substring(PREFIX.length());
      return exists(name) ? Optional.of(name) : Optional.empty();
    }
    return Optional.empty();
  }
}
