package dev.courier.schedule.entity;

import java.util.Locale;

/** What happens to firings missed while no Courier instance was running. */
public enum Misfire {
  /** Missed firings are dropped; the schedule goes on from the next one. */
  SKIP,
  /** One task is created for the latest missed firing, however many were missed. */
  RUN_ONCE;

  public static Misfire of(String text) {
    return switch (text == null ? "skip" : text.toLowerCase(Locale.ROOT)) {
      case "skip" -> SKIP;
      case "run-once" -> RUN_ONCE;
      default ->
          throw new InvalidSchedule(
              "'misfire' must be \"skip\" or \"run-once\", got '" + text + "'");
    };
  }

  public String json() {
    return this == SKIP ? "skip" : "run-once";
  }
}
