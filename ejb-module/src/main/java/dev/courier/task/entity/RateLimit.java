package dev.courier.task.entity;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** At most {@code permits} task starts per {@code period}, written {@code 10/s}, {@code 600/m}. */
public record RateLimit(long permits, Duration period) {

  private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(s|m|h)\\s*");

  public RateLimit {
    if (permits <= 0 || period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("a rate limit needs a positive count and period");
    }
  }

  public static RateLimit parse(String text) {
    Matcher form = FORM.matcher(text);
    if (!form.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a rate limit; write starts per second, minute or hour: 10/s");
    }
    Duration period =
        switch (form.group(2)) {
          case "s" -> Duration.ofSeconds(1);
          case "m" -> Duration.ofMinutes(1);
          default -> Duration.ofHours(1);
        };
    return new RateLimit(Long.parseLong(form.group(1)), period);
  }

  /** The spacing between two starts, in nanoseconds. */
  public long intervalNanos() {
    return Math.max(1, period.toNanos() / permits);
  }

  @Override
  public String toString() {
    String unit =
        period.equals(Duration.ofSeconds(1))
            ? "s"
            : period.equals(Duration.ofMinutes(1)) ? "m" : "h";
    return permits + "/" + unit;
  }
}
