package dev.courier.notify;

import static dev.courier.json.Jsons.JSON;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;

/** Names and parsing shared by the subscribers of the {@code notifications} topic. */
final class Notifications {

  static final String TOPIC = "notifications";
  static final String DEAD_LETTERS = "notifications.dlq";

  /**
   * The property that carries a notification's e-mail recipient; the mail subscriber selects it.
   */
  static final String MAIL_TO = "mailTo";

  private Notifications() {}

  /** The message's body as JSON, or a reason why it is not usable. */
  static JsonValue body(Message message) throws JMSException, Unusable {
    if (!(message instanceof TextMessage text) || text.getText() == null) {
      throw new Unusable("a notification must be a text message with a JSON body");
    }
    try (var reader = JSON.createReader(new StringReader(text.getText()))) {
      return reader.readValue();
    } catch (JsonParsingException e) {
      throw new Unusable("the body is not JSON: " + e.getMessage());
    }
  }

  static String string(JsonValue body, String field) {
    return body instanceof JsonObject object
            && object.get(field) instanceof jakarta.json.JsonString s
        ? s.getString()
        : null;
  }

  /** A notification no retry can deliver; it goes to the dead-letter queue with this reason. */
  static final class Unusable extends Exception {
    Unusable(String reason) {
      super(reason);
    }
  }
}
