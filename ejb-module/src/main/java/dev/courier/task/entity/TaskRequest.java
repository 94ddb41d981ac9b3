package dev.courier.task.entity;

import static dev.courier.json.Jsons.JSON;

import dev.courier.json.Jsons;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A submission as it arrives over HTTP or as a JMS text message: {@code {"type": "echo", "payload":
 * {...}, "delaySeconds": 0, "runAt": "2026-12-01T09:00:00Z", "priority": 4, "key": "...", "queue":
 * "media", "timeoutSeconds": 30, "groupKey": "order-17"}} (at most one of delaySeconds and runAt;
 * queue overrides the type's queue, timeoutSeconds the type's time limit; tasks with one groupKey
 * run one at a time in submission order). Both entry points parse it here, so they accept and
 * reject exactly the same input.
 */
public record TaskRequest(
    String type,
    JsonObject payload,
    Duration delay,
    Instant runAt,
    int priority,
    String key,
    String queue,
    Integer timeoutSeconds,
    String groupKey) {

  public TaskRequest(String type, JsonObject payload, Duration delay, int priority, String key) {
    this(type, payload, delay, null, priority, key, null, null, null);
  }

  /** The same request in the message group {@code groupKey}. */
  public TaskRequest withGroupKey(String groupKey) {
    return new TaskRequest(
        type, payload, delay, runAt, priority, key, queue, timeoutSeconds, groupKey);
  }

  public static final int DEFAULT_PRIORITY = 4;
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Set<String> FIELDS =
      Set.of(
          "type",
          "payload",
          "delaySeconds",
          "runAt",
          "priority",
          "key",
          "queue",
          "timeoutSeconds",
          "groupKey");
  private static final Pattern QUEUE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
  private static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(1).toSeconds();
  private static final long MAX_DELAY_SECONDS = Duration.ofDays(366).toSeconds();

  public static TaskRequest parse(String json) {
    if (json == null || json.isBlank()) {
      throw InvalidTaskRequest.malformed("the body is empty; expected a JSON object");
    }
    JsonObject object;
    try {
      JsonValue value = Jsons.parse(json);
      if (!(value instanceof JsonObject o)) {
        throw InvalidTaskRequest.malformed("expected a JSON object, got " + value.getValueType());
      }
      object = o;
    } catch (JsonParsingException e) {
      throw InvalidTaskRequest.malformed("not valid JSON: " + e.getMessage());
    } catch (jakarta.json.JsonException e) {
      throw InvalidTaskRequest.malformed("not valid JSON: " + e.getMessage());
    }
    return of(object);
  }

  /**
   * A batch of submissions (a JSON array of requests, 1 to {@code max}); null if the body is not an
   * array. A bad request refuses the batch, named by its index.
   */
  public static java.util.List<TaskRequest> parseBatch(String json, int max) {
    if (json == null || !json.stripLeading().startsWith("[")) {
      return null;
    }
    jakarta.json.JsonArray array;
    try {
      if (!(Jsons.parse(json) instanceof jakarta.json.JsonArray a)) {
        throw InvalidTaskRequest.malformed("expected a JSON array of tasks");
      }
      array = a;
    } catch (jakarta.json.JsonException e) {
      throw InvalidTaskRequest.malformed("not valid JSON: " + e.getMessage());
    }
    if (array.isEmpty() || array.size() > max) {
      throw InvalidTaskRequest.malformed(
          "a batch holds 1 to " + max + " tasks; this one has " + array.size());
    }
    var requests = new java.util.ArrayList<TaskRequest>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof JsonObject object)) {
        throw InvalidTaskRequest.malformed(
            "task "
                + i
                + " of the batch: expected a JSON object, got "
                + array.get(i).getValueType());
      }
      try {
        requests.add(of(object));
      } catch (InvalidTaskRequest e) {
        throw e.inBatch(i);
      }
    }
    return requests;
  }

  public static TaskRequest of(JsonObject object) {
    for (String field : object.keySet()) {
      if (!FIELDS.contains(field)) {
        throw InvalidTaskRequest.malformed(
            "unknown field '" + field + "'; allowed fields are " + FIELDS);
      }
    }
    String type = requiredString(object, "type");
    if (!TYPE.matcher(type).matches()) {
      throw InvalidTaskRequest.malformed(
          "'type' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    JsonObject payload = JsonValue.EMPTY_JSON_OBJECT;
    if (object.containsKey("payload") && object.get("payload") != JsonValue.NULL) {
      if (!(object.get("payload") instanceof JsonObject p)) {
        throw InvalidTaskRequest.malformed("'payload' must be a JSON object");
      }
      payload = p;
    }
    long delaySeconds = integer(object, "delaySeconds", 0, 0, MAX_DELAY_SECONDS);
    Instant runAt = null;
    if (object.containsKey("runAt") && object.get("runAt") != JsonValue.NULL) {
      if (delaySeconds > 0) {
        throw InvalidTaskRequest.malformed("give either 'delaySeconds' or 'runAt', not both");
      }
      String text = requiredString(object, "runAt");
      try {
        runAt = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw InvalidTaskRequest.malformed(
            "'runAt' must be an ISO-8601 date and time with an offset, such as"
                + " 2026-12-01T09:00:00Z; got '"
                + text
                + "'");
      }
    }
    int priority = (int) integer(object, "priority", DEFAULT_PRIORITY, 0, 9);
    String key = null;
    if (object.containsKey("key") && object.get("key") != JsonValue.NULL) {
      key = requiredString(object, "key");
      if (key.isBlank() || key.length() > 200) {
        throw InvalidTaskRequest.malformed("'key' must be 1 to 200 characters");
      }
    }
    String queue = null;
    if (object.containsKey("queue") && object.get("queue") != JsonValue.NULL) {
      queue = requiredString(object, "queue");
      if (!QUEUE.matcher(queue).matches()) {
        throw InvalidTaskRequest.malformed(
            "'queue' must be a queue name: lower-case letters, digits, '_' or '-'");
      }
    }
    Integer timeout = null;
    if (object.containsKey("timeoutSeconds") && object.get("timeoutSeconds") != JsonValue.NULL) {
      timeout = (int) integer(object, "timeoutSeconds", 0, 1, MAX_TIMEOUT_SECONDS);
    }
    String groupKey = null;
    if (object.containsKey("groupKey") && object.get("groupKey") != JsonValue.NULL) {
      groupKey = requiredString(object, "groupKey");
      if (groupKey.isBlank() || groupKey.length() > 200) {
        throw InvalidTaskRequest.malformed("'groupKey' must be 1 to 200 characters");
      }
    }
    return new TaskRequest(
        type,
        payload,
        Duration.ofSeconds(delaySeconds),
        runAt,
        priority,
        key,
        queue,
        timeout,
        groupKey);
  }

  /** When a task submitted at {@code submittedAt} is due. */
  public Instant dueAt(Instant submittedAt) {
    return runAt != null ? runAt : submittedAt.plus(delay);
  }

  public JsonObject toJson() {
    var json =
        JSON.createObjectBuilder()
            .add("type", type)
            .add("payload", payload)
            .add("delaySeconds", delay.toSeconds())
            .add("priority", priority);
    if (runAt != null) {
      json.add("runAt", runAt.toString());
    }
    if (key != null) {
      json.add("key", key);
    }
    if (queue != null) {
      json.add("queue", queue);
    }
    if (timeoutSeconds != null) {
      json.add("timeoutSeconds", timeoutSeconds);
    }
    if (groupKey != null) {
      json.add("groupKey", groupKey);
    }
    return json.build();
  }

  private static String requiredString(JsonObject object, String field) {
    JsonValue value = object.get(field);
    if (value == null || value == JsonValue.NULL) {
      throw InvalidTaskRequest.malformed("'" + field + "' is required");
    }
    if (!(value instanceof JsonString s)) {
      throw InvalidTaskRequest.malformed("'" + field + "' must be a string");
    }
    return s.getString();
  }

  private static long integer(JsonObject object, String field, long fallback, long min, long max) {
    JsonValue value = object.get(field);
    if (value == null || value == JsonValue.NULL) {
      return fallback;
    }
    if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
      throw InvalidTaskRequest.malformed("'" + field + "' must be a whole number");
    }
    long number;
    try {
      number = n.longValueExact();
    } catch (ArithmeticException e) {
      number = Long.MAX_VALUE;
    }
    if (number < min || number > max) {
      throw InvalidTaskRequest.malformed(
          "'" + field + "' must be between " + min + " and " + max + ", got " + n);
    }
    return number;
  }
}
