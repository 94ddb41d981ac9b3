package dev.courier.task.control;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * What a handler gets to work with: the task's identity, its payload, which attempt this is, a way
 * to report progress and to learn that the task was cancelled. A cancelled or timed-out handler is
 * also interrupted; one that loops without blocking should check {@link #isCancelled()}.
 */
public final class TaskContext {

  /** Where a handler's progress reports go. */
  public interface ProgressSink {
    void report(String taskId, int percent, String message);
  }

  private static final long MIN_REPORT_INTERVAL_NANOS = 200_000_000L;

  private final String id;
  private final String type;
  private final JsonObject payload;
  private final int attempt;
  private final String queue;
  private final Optional<Duration> timeout;
  private final ProgressSink progress;
  private volatile boolean cancelled;
  private long lastReportNanos;
  private int lastPercent = -1;

  public TaskContext(
      String id,
      String type,
      JsonObject payload,
      int attempt,
      String queue,
      Optional<Duration> timeout,
      ProgressSink progress) {
    this.id = id;
    this.type = type;
    this.payload = payload;
    this.attempt = attempt;
    this.queue = queue;
    this.timeout = timeout;
    this.progress = progress;
  }

  public String id() {
    return id;
  }

  public String type() {
    return type;
  }

  public JsonObject payload() {
    return payload;
  }

  /** 1 for the first attempt. */
  public int attempt() {
    return attempt;
  }

  public String queue() {
    return queue;
  }

  /** How long this attempt may run before it is interrupted and counted as failed. */
  public Optional<Duration> timeout() {
    return timeout;
  }

  /** True once the task was cancelled or ran past its time limit: stop and return. */
  public boolean isCancelled() {
    return cancelled || Thread.currentThread().isInterrupted();
  }

  void cancel() {
    cancelled = true;
  }

  /**
   * Reports how far the task got (0 to 100) and what it is doing; shown by {@code GET
   * /api/tasks/{id}}. Reports closer together than 200 ms are dropped, except 100 %.
   */
  public synchronized void progress(int percent, String message) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("progress is a percentage from 0 to 100, got " + percent);
    }
    long now = System.nanoTime();
    boolean due = now - lastReportNanos >= MIN_REPORT_INTERVAL_NANOS || lastPercent < 0;
    if (due || (percent == 100 && lastPercent != 100)) {
      progress.report(id, percent, message);
      lastReportNanos = now;
      lastPercent = percent;
    }
  }
}
