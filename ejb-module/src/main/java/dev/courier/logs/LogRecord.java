package dev.courier.logs;

import static dev.courier.json.Jsons.JSON;

import jakarta.json.JsonObject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** One log record a producer sent to the {@code logs} topic, as the aggregator stored it. */
@Entity
@Table(
    name = "COURIER_LOG_RECORD",
    indexes = {
      @Index(name = "COURIER_LOG_AT", columnList = "LOGGED_AT"),
      @Index(name = "COURIER_LOG_BATCH", columnList = "BATCH_ID")
    })
public class LogRecord {

  static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
  private static final int MAX_MESSAGE = 4000;

  @Id
  @Column(length = 36)
  private String id;

  @Column(name = "LOGGED_AT", nullable = false)
  private Instant at;

  @Column(name = "LOG_LEVEL", nullable = false, length = 5)
  private String level;

  @Column(nullable = false, length = 100)
  private String source;

  @Column(name = "LOG_MESSAGE", nullable = false, length = MAX_MESSAGE)
  private String message;

  @Column(name = "BATCH_ID", nullable = false, length = 36)
  private String batch;

  @Column(nullable = false)
  private Instant receivedAt;

  protected LogRecord() {}

  /**
   * A record from its JSON form {@code {"level": "WARN", "source": "orders", "message": "...",
   * "at": "2026-11-25T10:00:00Z"}} (at: when it was logged, default {@code sentAt}).
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static LogRecord of(JsonObject json, Instant sentAt, String batch, Instant now) {
    var record = new LogRecord();
    record.id = UUID.randomUUID().toString();
    record.level = json.getString("level", "INFO").toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(record.level)) {
      throw new IllegalArgumentException(
          "level '" + record.level + "' is not one of " + LEVELS.stream().sorted().toList());
    }
    record.source = json.getString("source", "unknown");
    if (record.source.isBlank() || record.source.length() > 100) {
      throw new IllegalArgumentException("'source' must be 1 to 100 characters");
    }
    if (!json.containsKey("message")) {
      throw new IllegalArgumentException("a log record needs a 'message'");
    }
    String message = json.getString("message");
    record.message = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    record.at = json.containsKey("at") ? Instant.parse(json.getString("at")) : sentAt;
    record.batch = batch;
    record.receivedAt = now;
    return record;
  }

  public JsonObject toJson() {
    return JSON.createObjectBuilder()
        .add("at", at.toString())
        .add("level", level)
        .add("source", source)
        .add("message", message)
        .add("batch", batch)
        .build();
  }
}
