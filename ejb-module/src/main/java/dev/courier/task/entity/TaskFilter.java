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
    String owner,
    Cursor after) {

  /**
   * Where a page ended: the creation time and id of its last task. The next page holds the tasks
   * listed after it (older, or as old with a smaller id), however many were stored meanwhile.
   */
  public record Cursor(Instant createdAt, String id) {

    /** The cursor's text, as the API hands it out. */
    public String text() {
      return java.util.Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((createdAt + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static Cursor parse(String text) {
      try {
        String decoded =
            new String(
                java.util.Base64.getUrlDecoder().decode(text),
                java.nio.charset.StandardCharsets.UTF_8);
        int bar = decoded.indexOf('|');
        return new Cursor(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1));
      } catch (RuntimeException e) {
        throw InvalidTaskRequest.malformed(
            "'after' takes the 'next' of a page of this list; got '" + text + "'");
      }
    }
  }

  public static final int MAX_LIMIT = 500;

  public TaskFilter {
    states = states == null ? Set.of() : Set.copyOf(states);
    if (offset < 0) {
      throw InvalidTaskRequest.malformed("'offset' must not be negative");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw InvalidTaskRequest.malformed("'limit' must be between 1 and " + MAX_LIMIT);
    }
    if (after != null && offset != 0) {
      throw InvalidTaskRequest.malformed("give either 'after' or 'offset', not both");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw InvalidTaskRequest.malformed("'from' must be before 'to'");
    }
  }

  /** The same filter from the start of the list (for the count of all that match). */
  public TaskFilter fromTheStart() {
    return new TaskFilter(states, type, queue, key, keyPrefix, from, to, 0, limit, owner, null);
  }
}
