package dev.courier.notify;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Names and parsing shared by the subscribers of the {@code notifications} topic. */
final class Notifications {

  static final String TOPIC = "notifications";
  static final String DEAD_LETTERS = "notifications.dlq";

  /**
   * The property that carries a notification's e-mail recipient; the mail subscriber selects it.
   */
  static final String MAIL_TO = "mailTo";

  private Notifications() {}

  static String string(JsonValue body, String field) {
    return body instanceof JsonObject object
            && object.get(field) instanceof jakarta.json.JsonString s
        ? s.getString()
        : null;
  }
}
