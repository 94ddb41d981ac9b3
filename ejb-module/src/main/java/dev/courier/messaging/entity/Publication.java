package dev.courier.messaging.entity;

import dev.courier.json.Jsons;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A message to publish on a topic, as the API takes it: {@code {"body": {...}, "properties":
 * {"region": "eu"}, "priority": 4, "ttlSeconds": 60, "groupKey": "order-17"}}. The body (any JSON
 * value) becomes a JSON text message; properties become JMS properties, which subscriptions select
 * on; groupKey becomes {@code JMSXGroupID}, so that messages with one key are consumed one at a
 * time, in order.
 */
public record Publication(
    JsonValue body, Map<String, Object> properties, int priority, Duration ttl, String groupKey) {

  public static final int DEFAULT_PRIORITY = 4;
  private static final Set<String> FIELDS =
      Set.of("body", "properties", "priority", "ttlSeconds", "groupKey");
  private static final Pattern PROPERTY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,99}");
  private static final long MAX_TTL_SECONDS = Duration.ofDays(366).toSeconds();
  private static final int MAX_GROUP_KEY = 200;

  /** The most messages one request publishes (a JSON array of them). */
  public static final int MAX_BATCH = 1000;

  /** What one publishing request asks for: one message, or a batch of them. */
  public record Request(List<Publication> messages, boolean batch) {}

  /**
   * One message (a JSON object) or a batch (an array of 1 to {@value #MAX_BATCH} such objects); a
   * batch with one bad message is refused whole, naming the message by its index.
   */
  public static Request parse(String json) {
    JsonValue value = read(json);
    if (value instanceof JsonObject object) {
      return new Request(List.of(of(object)), false);
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidMessage(
          "expected a JSON object with a 'body' field, or an array of them; got "
              + value.getValueType());
    }
    if (array.isEmpty() || array.size() > MAX_BATCH) {
      throw new InvalidMessage(
          "a batch has 1 to " + MAX_BATCH + " messages; this one has " + array.size());
    }
    List<Publication> batch = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      try {
        if (!(array.get(i) instanceof JsonObject object)) {
          throw new InvalidMessage("expected a JSON object with a 'body' field");
        }
        batch.add(of(object));
      } catch (InvalidMessage e) {
        throw new InvalidMessage("message " + i + " of the batch: " + e.getMessage());
      }
    }
    return new Request(batch, true);
  }

  private static JsonValue read(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidMessage("the body is empty; expected a JSON object with a 'body' field");
    }
    try {
      return Jsons.parse(json);
    } catch (jakarta.json.JsonException e) {
      throw new InvalidMessage("not valid JSON: " + e.getMessage());
    }
  }

  public static Publication of(JsonObject object) {
    for (String field : object.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidMessage("unknown field '" + field + "'; allowed fields are " + FIELDS);
      }
    }
    if (!object.containsKey("body") || object.get("body") == JsonValue.NULL) {
      throw new InvalidMessage("'body' is required: the message's content, any JSON value");
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    JsonValue given = object.getOrDefault("properties", JsonValue.NULL);
    if (given != JsonValue.NULL) {
      if (!(given instanceof JsonObject map)) {
        throw new InvalidMessage("'properties' must be an object of names to values");
      }
      map.forEach((name, value) -> properties.put(checkedName(name), propertyValue(name, value)));
    }
    int priority = DEFAULT_PRIORITY;
    if (object.containsKey("priority")) {
      priority = integer(object, "priority", 0, 9);
    }
    Duration ttl = null;
    if (object.containsKey("ttlSeconds")) {
      ttl = Duration.ofSeconds(integer(object, "ttlSeconds", 1, MAX_TTL_SECONDS));
    }
    String groupKey = null;
    if (object.containsKey("groupKey") && object.get("groupKey") != JsonValue.NULL) {
      if (!(object.get("groupKey") instanceof JsonString key)
          || key.getString().isBlank()
          || key.getString().length() > MAX_GROUP_KEY) {
        throw new InvalidMessage("'groupKey' must be a string of 1 to " + MAX_GROUP_KEY + " chars");
      }
      groupKey = key.getString();
    }
    return new Publication(object.get("body"), properties, priority, ttl, groupKey);
  }

  private static String checkedName(String name) {
    if (!PROPERTY.matcher(name).matches()) {
      throw new InvalidMessage(
          "property name '"
              + name
              + "' is not usable in a selector: letters, digits, '_' or '$', not starting with a"
              + " digit");
    }
    String upper = name.toUpperCase(java.util.Locale.ROOT);
    if (upper.startsWith("JMS") || upper.startsWith("_AMQ") || upper.startsWith("COURIER_")) {
      throw new InvalidMessage(
          "property name '"
              + name
              + "' is reserved (JMS…, _AMQ… and courier_… belong to the broker)");
    }
    return name;
  }

  private static Object propertyValue(String name, JsonValue value) {
    if (value instanceof JsonString text) {
      return text.getString();
    }
    if (value instanceof JsonNumber number) {
      return number.isIntegral() ? (Object) number.longValue() : (Object) number.doubleValue();
    }
    if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
      return value == JsonValue.TRUE;
    }
    throw new InvalidMessage(
        "property '" + name + "' must be a string, number or boolean, not " + value.getValueType());
  }

  private static int integer(JsonObject object, String field, long min, long max) {
    if (!(object.get(field) instanceof JsonNumber number) || !number.isIntegral()) {
      throw new InvalidMessage("'" + field + "' must be a whole number");
    }
    long value = number.longValue();
    if (value < min || value > max) {
      throw new InvalidMessage("'" + field + "' must be between " + min + " and " + max);
    }
    return (int) value;
  }
}
