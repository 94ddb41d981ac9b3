package dev.courier.schedule.entity;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import jakarta.ejb.ScheduleExpression;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When a schedule fires. Accepts standard 5-field cron ({@code minute hour day-of-month month
 * day-of-week}), 6 fields with seconds first, or the EJB calendar form ({@code second=0
 * minute=*&#47;5 hour=*}, unnamed attributes take the EJB defaults). All three become the same six
 * fields, which cron-utils evaluates and an EJB calendar timer runs.
 */
public final class Cron {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));
  private static final List<String> EJB_ATTRIBUTES =
      List.of("second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek");
  private static final Pattern UNSUPPORTED = Pattern.compile("(?i).*[LW#].*");
  private static final Pattern NAMES = Pattern.compile("[A-Za-z]{3}");

  private final String expression;
  private final ZoneId zone;
  private final String[] fields;
  private final ExecutionTime execution;

  private Cron(String expression, ZoneId zone, String[] fields, ExecutionTime execution) {
    this.expression = expression;
    this.zone = zone;
    this.fields = fields;
    this.execution = execution;
  }

  public static Cron parse(String expression, String timezone) {
    ZoneId zone = zone(timezone);
    if (expression == null || expression.isBlank()) {
      throw new InvalidSchedule("'cron' is required");
    }
    String[] fields = fields(expression.trim());
    for (String field : fields) {
      // day and month names (WED, JUL) may contain the letters; the special characters may not
      if (UNSUPPORTED.matcher(NAMES.matcher(field).replaceAll("")).matches()) {
        throw new InvalidSchedule(
            "cron '" + expression + "': L, W and # are not supported; use plain values and ranges");
      }
    }
    try {
      var cron = PARSER.parse(String.join(" ", fields));
      cron.validate();
      return new Cron(expression.trim(), zone, fields, ExecutionTime.forCron(cron));
    } catch (IllegalArgumentException e) {
      throw new InvalidSchedule("cron '" + expression + "' is not valid: " + e.getMessage());
    }
  }

  private static ZoneId zone(String timezone) {
    if (timezone == null || timezone.isBlank()) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw new InvalidSchedule(
          "unknown time zone '" + timezone + "'; use a region such as Europe/Paris, or UTC");
    }
  }

  private static String[] fields(String expression) {
    if (expression.contains("=")) {
      return calendarForm(expression);
    }
    String[] parts = expression.split("\\s+");
    return switch (parts.length) {
      case 5 -> prepend("0", parts);
      case 6 -> parts;
      default ->
          throw new InvalidSchedule(
              "cron '"
                  + expression
                  + "' has "
                  + parts.length
                  + " fields; expected 5 (minute hour day-of-month month day-of-week), 6 (seconds"
                  + " first) or the EJB calendar form 'second=0 minute=*/5 hour=*'");
    };
  }

  private static String[] calendarForm(String expression) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("second", "0");
    values.put("minute", "0");
    values.put("hour", "0");
    values.put("dayOfMonth", "*");
    values.put("month", "*");
    values.put("dayOfWeek", "*");
    for (String pair : expression.split("[\\s;]+")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || !EJB_ATTRIBUTES.contains(kv[0]) || kv[1].isBlank()) {
        throw new InvalidSchedule(
            "'"
                + pair
                + "' in '"
                + expression
                + "': expected attribute=value with attributes "
                + EJB_ATTRIBUTES);
      }
      values.put(kv[0], kv[1]);
    }
    return values.values().toArray(String[]::new);
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** The next {@code count} fire times strictly after {@code after}. */
  public List<Instant> next(Instant after, int count) {
    List<Instant> times = new ArrayList<>(count);
    ZonedDateTime cursor = after.truncatedTo(ChronoUnit.SECONDS).atZone(zone);
    for (int i = 0; i < count; i++) {
      Optional<ZonedDateTime> next = execution.nextExecution(cursor);
      if (next.isEmpty()) {
        break;
      }
      cursor = next.get();
      times.add(cursor.toInstant());
    }
    return times;
  }

  /**
   * The fire times after {@code from} and at or before {@code to}; the latest {@code max} of them
   * when there are more.
   */
  public List<Instant> between(Instant from, Instant to, int max) {
    List<Instant> times = new ArrayList<>();
    Optional<Instant> time = lastAtOrBefore(to);
    while (time.isPresent() && time.get().isAfter(from) && times.size() < max) {
      times.add(0, time.get());
      time = execution.lastExecution(time.get().atZone(zone)).map(ZonedDateTime::toInstant);
    }
    return times;
  }

  /** The latest fire time at or before {@code time}. */
  public Optional<Instant> lastAtOrBefore(Instant time) {
    ZonedDateTime at = time.atZone(zone);
    if (execution.isMatch(at.withNano(0)) && at.getNano() == 0) {
      return Optional.of(time);
    }
    return execution.lastExecution(at).map(ZonedDateTime::toInstant);
  }

  /** The same schedule as an EJB calendar expression, for the container's timer service. */
  public ScheduleExpression toScheduleExpression() {
    return new ScheduleExpression()
        .second(ejb(fields[0]))
        .minute(ejb(fields[1]))
        .hour(ejb(fields[2]))
        .dayOfMonth(ejb(fields[3]))
        .month(ejb(fields[4]))
        .dayOfWeek(ejb(fields[5]))
        .timezone(zone.getId());
  }

  /** EJB calendar values: no '?', and names written Mon, Jan rather than MON, JAN. */
  private static String ejb(String field) {
    String value = field.equals("?") ? "*" : field;
    var names = NAMES.matcher(value);
    StringBuilder out = new StringBuilder();
    while (names.find()) {
      String name = names.group();
      names.appendReplacement(out, name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT));
    }
    names.appendTail(out);
    return out.toString();
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }
}
