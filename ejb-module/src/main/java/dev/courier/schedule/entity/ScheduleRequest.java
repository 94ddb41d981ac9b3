package dev.courier.schedule.entity;

import dev.courier.json.Jsons;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.TaskRequest;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A schedule as the API takes it: {@code {"name": "nightly-report", "cron": "0 2 * * *",
 * "timezone": "UTC", "task": {"type": "...", "payload": {...}, "priority": 4}, "enabled": true,
 * "misfire": "skip", "overlap": "allow"}}.
 */
public record ScheduleRequest(
    String name, Cron cron, TaskRequest task, boolean enabled, Misfire misfire, Overlap overlap) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Set<String> FIELDS =
      Set.of("name", "cron", "timezone", "task", "enabled", "misfire", "overlap");
  private static final Set<String> TASK_FIELDS = Set.of("type", "payload", "priority");

  public static ScheduleRequest parse(String json) {
    JsonObject object;
    try {
      JsonValue value = Jsons.parse(json == null ? "" : json);
      if (!(value instanceof JsonObject o)) {
        throw new InvalidSchedule("expected a JSON object, got " + value.getValueType());
      }
      object = o;
    } catch (JsonParsingException e) {
      throw new InvalidSchedule("not valid JSON: " + e.getMessage());
    } catch (jakarta.json.JsonException e) {
      throw new InvalidSchedule("not valid JSON: " + e.getMessage());
    }
    for (String field : object.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidSchedule("unknown field '" + field + "'; allowed fields are " + FIELDS);
      }
    }
    String name = string(object, "name");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidSchedule(
          "'name' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    Cron cron = Cron.parse(string(object, "cron"), string(object, "timezone"));
    if (!(object.get("task") instanceof JsonObject task)) {
      throw new InvalidSchedule("'task' is required: {\"type\": \"...\", \"payload\": {...}}");
    }
    for (String field : task.keySet()) {
      if (!TASK_FIELDS.contains(field)) {
        throw new InvalidSchedule(
            "'task." + field + "' is not allowed; a schedule's task takes " + TASK_FIELDS);
      }
    }
    TaskRequest taskRequest;
    try {
      taskRequest = TaskRequest.of(task);
    } catch (InvalidTaskRequest e) {
      throw new InvalidSchedule("'task': " + e.getMessage());
    }
    JsonValue enabled = object.getOrDefault("enabled", JsonValue.TRUE);
    if (enabled != JsonValue.TRUE && enabled != JsonValue.FALSE) {
      throw new InvalidSchedule("'enabled' must be true or false");
    }
    return new ScheduleRequest(
        name,
        cron,
        taskRequest,
        enabled == JsonValue.TRUE,
        Misfire.of(string(object, "misfire")),
        Overlap.of(string(object, "overlap")));
  }

  private static String string(JsonObject object, String field) {
    JsonValue value = object.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonString s)) {
      throw new InvalidSchedule("'" + field + "' must be a string");
    }
    return s.getString();
  }
}
