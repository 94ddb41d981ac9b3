package dev.courier.queue.control;

import dev.courier.task.control.TaskMessages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The task queues Courier runs (MicroProfile Config {@code courier.queues}) and their broker
 * addresses: {@code default} is {@code courier.tasks}, any other queue {@code
 * courier.tasks.<name>}, and each has its dead-letter queue at {@code <address>.dlq}.
 */
@ApplicationScoped
public class TaskQueues {

  public static final String DEFAULT = "default";
  private static final String PREFIX = TaskMessages.QUEUE + ".";
  private static final String DLQ_SUFFIX = ".dlq";

  @Inject
  @ConfigProperty(name = "courier.queues", defaultValue = DEFAULT)
  List<String> names;

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
