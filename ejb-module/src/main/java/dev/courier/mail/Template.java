package dev.courier.mail;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A text with {@code {{name}}} placeholders. */
public record Template(String text) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

  public Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The text with each placeholder replaced by its value, passed through {@code escape}. */
  public String fill(Map<String, String> values, UnaryOperator<String> escape) {
    return PLACEHOLDER
        .matcher(text)
        .replaceAll(m -> Matcher.quoteReplacement(escape.apply(values.get(m.group(1)))));
  }

  public static String escapeHtml(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
