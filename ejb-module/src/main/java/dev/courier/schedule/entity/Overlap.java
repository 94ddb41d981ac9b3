package dev.courier.schedule.entity;

import java.util.Locale;

/** Whether a firing may start a task while the schedule's previous task has not finished. */
public enum Overlap {
  ALLOW,
  /** A firing is skipped while the previous task of the schedule is still pending or running. */
  SKIP;

  public static Overlap of(String text) {
    return switch (text == null ? "allow" : text.toLowerCase(Locale.ROOT)) {
      case "allow" -> ALLOW;
      case "skip" -> SKIP;
      default ->
          throw new InvalidSchedule("'overlap' must be \"allow\" or \"skip\", got '" + text + "'");
    };
  }

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
