package dev.courier.problem;

import jakarta.ws.rs.BadRequestException;

/** Reads numeric query parameters with a 400 problem for text that is not a number in range. */
public final class QueryParams {

  private QueryParams() {}

  public static int number(String name, String text, int fallback, int min, int max) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequestException(
        "'"
            + name
            + "' must be a whole number between "
            + min
            + " and "
            + max
            + ", got '"
            + text
            + "'");
  }
}
