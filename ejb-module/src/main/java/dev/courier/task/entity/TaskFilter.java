package dev.courier.task.entity;

import java.time.Instant;
import java.util.Set;

/**
 * Which tasks to list: any of the states (empty for all), type, queue and key when given, created
 * in [from, to), newest first, {@code limit} from {@code offset}; only those {@code owner}
 * submitted when it is given.
 */
public record TaskFilter(
    Set<TaskState> states,
    String type,
    String queue,
    String key,
    String keyPrefix,
    Instant from,
    Instant to,
    int offset,
    int limit,
    String owner) {

  public static final int MAX_LIMIT = 500;

  public TaskFilter {
    states = states == null ? Set.of() : Set.copyOf(states);
    if (offset < 0) {
      throw InvalidTaskRequest.malformed("'offset' must not be negative");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw InvalidTaskRequest.malformed("'limit' must be between 1 and " + MAX_LIMIT);
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw InvalidTaskRequest.malformed("'from' must be before 'to'");
    }
  }
}
