package dev.courier.task.entity;

import static dev.courier.json.Jsons.JSON;

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
 * each waited from submission to the start of its attempt, how late it started against its due
 * time, and the span from the first submission to the last finish.
 */
public record TaskStats(
    Map<TaskState, Long> byState,
    Instant firstCreated,
    Instant firstStarted,
    Instant lastFinished,
    long[] startLatencyMillis,
    long[] startLatencyMicros,
    long[] latenessMillis) {

  /** One row per task: state, createdAt, startedAt, finishedAt, runAt. */
  public static TaskStats of(List<Object[]> rows) {
    Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
    Instant firstCreated = null;
    Instant firstStarted = null;
    Instant lastFinished = null;
    long[] latencies = new long[rows.size()];
    long[] micros = new long[rows.size()];
    long[] lateness = new long[rows.size()];
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
        if (firstStarted == null || startedAt.isBefore(firstStarted)) {
          firstStarted = startedAt;
        }
        Instant due = row.length > 4 && row[4] != null ? (Instant) row[4] : created;
        latencies[started] = Math.max(0, Duration.between(created, startedAt).toMillis());
        micros[started] = Math.max(0, Duration.between(created, startedAt).toNanos() / 1000);
        lateness[started++] = Duration.between(due, startedAt).toMillis();
      }
    }
    return new TaskStats(
        byState,
        firstCreated,
        firstStarted,
        lastFinished,
        sorted(latencies, started),
        sorted(micros, started),
        sorted(lateness, started));
  }

  private static long[] sorted(long[] values, int count) {
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted;
  }

  public long count() {
    return byState.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The p-th percentile (0 to 100) of the submit-to-start latencies, nearest rank. */
  public long startLatencyPercentile(double p) {
    return percentile(startLatencyMillis, p);
  }

  /** The p-th percentile of how late tasks started against their due time (negative: early). */
  public long latenessPercentile(double p) {
    return percentile(latenessMillis, p);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
  }

  public JsonObject toJson() {
    JsonObjectBuilder states = JSON.createObjectBuilder();
    byState.forEach((state, n) -> states.add(state.name(), n));
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("count", count())
            .add("byState", states)
            .add(
                "startLatencyMs",
                JSON.createObjectBuilder()
                    .add("p50", startLatencyPercentile(50))
                    .add("p99", startLatencyPercentile(99))
                    .add("max", startLatencyPercentile(100)))
            .add(
                "latenessMs",
                JSON.createObjectBuilder()
                    .add("p50", latenessPercentile(50))
                    .add("p99", latenessPercentile(99))
                    .add("max", latenessPercentile(100)));
    if (firstCreated != null) {
      json.add("firstCreatedAt", firstCreated.toString());
    }
    if (startLatencyMicros.length > 0) {
      json.add(
          "startLatencyMicros",
          JSON.createObjectBuilder()
              .add("p50", percentile(startLatencyMicros, 50))
              .add("p99", percentile(startLatencyMicros, 99))
              .add("max", percentile(startLatencyMicros, 100))
              .add("mean", Arrays.stream(startLatencyMicros).average().orElse(0)));
    }
    if (firstStarted != null) {
      json.add("firstStartedAt", firstStarted.toString());
    }
    if (lastFinished != null) {
      json.add("lastFinishedAt", lastFinished.toString());
    }
    return json.build();
  }
}
