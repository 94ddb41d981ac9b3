package dev.courier.task.entity;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts by state and timings of a group of tasks (those whose key starts with a prefix): how long
 * each waited from submission to the start of its first attempt, and the span from the first
 * submission to the last finish.
 */
public record TaskStats(
    Map<TaskState, Long> byState,
    Instant firstCreated,
    Instant lastFinished,
    long[] startLatencyMillis) {

  /** One row per task: state, createdAt, startedAt, finishedAt. */
  public static TaskStats of(List<Object[]> rows) {
    Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
    Instant firstCreated = null;
    Instant lastFinished = null;
    long[] latencies = new long[rows.size()];
    int started = 0;
    for (Object[] row : rows) {
      byState.merge((TaskState) row[0], 1L, Long::sum);
      Instant created = (Instant) row[1];
      Instant startedAt = (Instant) row[2];
      Instant finished = (Instant) row[3];
      if (firstCreated == null || created.isBefore(firstCreated)) {
        firstCreated = created;
      }
      if (finished != null && (lastFinished == null || finished.isAfter(lastFinished))) {
        lastFinished = finished;
      }
      if (startedAt != null) {
        latencies[started++] = Math.max(0, Duration.between(created, startedAt).toMillis());
      }
    }
    long[] sorted = Arrays.copyOf(latencies, started);
    Arrays.sort(sorted);
    return new TaskStats(byState, firstCreated, lastFinished, sorted);
  }

  public long count() {
    return byState.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The p-th percentile (0 to 100) of the submit-to-start latencies, nearest rank. */
  public long startLatencyPercentile(double p) {
    if (startLatencyMillis.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * startLatencyMillis.length);
    return startLatencyMillis[Math.min(Math.max(rank, 1), startLatencyMillis.length) - 1];
  }

  public JsonObject toJson() {
    JsonObjectBuilder states = Json.createObjectBuilder();
    byState.forEach((state, n) -> states.add(state.name(), n));
    JsonObjectBuilder json =
        Json.createObjectBuilder()
            .add("count", count())
            .add("byState", states)
            .add(
                "startLatencyMs",
                Json.createObjectBuilder()
                    .add("p50", startLatencyPercentile(50))
                    .add("p99", startLatencyPercentile(99))
                    .add("max", startLatencyPercentile(100)));
    if (firstCreated != null) {
      json.add("firstCreatedAt", firstCreated.toString());
    }
    if (lastFinished != null) {
      json.add("lastFinishedAt", lastFinished.toString());
    }
    return json.build();
  }
}
