package dev.courier.transform;

import dev.courier.task.control.TaskFailure;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How input fields become output fields: {@code [{"from": "Name", "to": "name"}, {"from": "Age",
 * "to": "age", "type": "int"}, {"to": "label", "expr": "${first} ${last}"}]}. Only the listed
 * fields are written (a field left out is dropped); without a mapping every field passes as is.
 * Types: string, int, long, decimal, boolean. An expression fills {@code ${field}} with input
 * values.
 */
final class Mapping {

  /** A row that cannot be converted: the message says which field and why. */
  static final class BadRow extends Exception {
    private static final long serialVersionUID = 1L;

    BadRow(String message) {
      super(message, null, false, false);
    }
  }

  private static final Pattern FIELD = Pattern.compile("\\$\\{([^}]+)}");

  private record Field(String to, String from, String type, String expr) {}

  private final List<Field> fields;

  private Mapping(List<Field> fields) {
    this.fields = fields;
  }

  static Mapping of(JsonValue spec) {
    if (spec == null || spec == JsonValue.NULL) {
      return new Mapping(null);
    }
    if (!(spec instanceof JsonArray array) || array.isEmpty()) {
      throw TaskFailure.permanent("'mapping' must be a non-empty array of fields");
    }
    List<Field> fields = new ArrayList<>();
    for (JsonValue value : array) {
      if (!(value instanceof JsonObject field)) {
        throw TaskFailure.permanent("each mapping entry is an object");
      }
      String from = text(field, "from");
      String expr = text(field, "expr");
      String to = text(field, "to");
      if ((from == null) == (expr == null)) {
        throw TaskFailure.permanent("a mapping entry takes either 'from' or 'expr': " + field);
      }
      if (to == null) {
        to = from;
      }
      if (to == null) {
        throw TaskFailure.permanent("a derived field needs its name in 'to': " + field);
      }
      String type =
          text(field, "type") == null ? "string" : text(field, "type").toLowerCase(Locale.ROOT);
      if (!List.of("string", "int", "long", "decimal", "boolean").contains(type)) {
        throw TaskFailure.permanent(
            "type '"
                + type
                + "' of '"
                + to
                + "' is not one of string, int, long, decimal, boolean");
      }
      fields.add(new Field(to, from, type, expr));
    }
    return new Mapping(fields);
  }

  private static String text(JsonObject object, String name) {
    return object.get(name) instanceof JsonString s ? s.getString() : null;
  }

  /** The output field names, or null when they are the input's own. */
  List<String> names() {
    return fields == null ? null : fields.stream().map(Field::to).toList();
  }

  /** The output row: names to values (String, Integer, Long, BigDecimal, Boolean or null). */
  Map<String, Object> apply(Map<String, String> row) throws BadRow {
    Map<String, Object> out = new LinkedHashMap<>();
    if (fields == null) {
      out.putAll(row);
      return out;
    }
    for (Field field : fields) {
      String raw;
      if (field.expr() != null) {
        Matcher m = FIELD.matcher(field.expr());
        StringBuilder value = new StringBuilder();
        while (m.find()) {
          String name = m.group(1);
          if (!row.containsKey(name)) {
            throw new BadRow("no field '" + name + "' for the expression of '" + field.to() + "'");
          }
          m.appendReplacement(value, Matcher.quoteReplacement(String.valueOf(row.get(name))));
        }
        m.appendTail(value);
        raw = value.toString();
      } else {
        if (!row.containsKey(field.from())) {
          throw new BadRow("no field '" + field.from() + "'");
        }
        raw = row.get(field.from());
      }
      out.put(field.to(), convert(field, raw));
    }
    return out;
  }

  private static Object convert(Field field, String raw) throws BadRow {
    if (raw == null || (raw.isBlank() && !field.type().equals("string"))) {
      return null;
    }
    String value = raw.trim();
    try {
      return switch (field.type()) {
        case "int" -> Integer.valueOf(value);
        case "long" -> Long.valueOf(value);
        case "decimal" -> new BigDecimal(value);
        case "boolean" -> {
          if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new NumberFormatException();
          }
          yield Boolean.valueOf(value);
        }
        default -> raw;
      };
    } catch (NumberFormatException e) {
      throw new BadRow("'" + raw + "' is not a " + field.type() + " (field '" + field.to() + "')");
    }
  }
}
