package dev.courier.json;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/**
 * The JSON-P provider, looked up once. {@code jakarta.json.Json}'s static methods look it up with a
 * ServiceLoader on every call, which on an application server scans the class loaders each time and
 * showed up as the hottest frame of a task's run. Also reads the JSON body of a message for the
 * topic subscribers.
 */
public final class Jsons {

  public static final JsonProvider JSON = JsonProvider.provider();

  private Jsons() {}

  /** A message body no retry can read; its subscriber dead-letters the message with the reason. */
  public static final class UnreadableBody extends Exception {
    UnreadableBody(String reason) {
      super(reason);
    }
  }

  /**
   * Reads one JSON value from untrusted text. Every way the text can be bad (not JSON, nested
   * deeper than the parser allows, a number longer than it reads) is a {@link JsonException} with
   * the parser's reason: Parsson reports the last two as a bare {@code RuntimeException} and an
   * {@code UnsupportedOperationException}, which callers that catch JsonException would let
   * through.
   */
  public static JsonValue parse(String text) {
    try (var reader = JSON.createReader(new StringReader(text))) {
      return reader.readValue();
    } catch (JsonException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new JsonException(
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    }
  }

  /** The text message's body as a JSON value. */
  public static JsonValue read(Message message) throws JMSException, UnreadableBody {
    if (!(message instanceof TextMessage text) || text.getText() == null) {
      throw new UnreadableBody("expected a text message with a JSON body");
    }
    try {
      return parse(text.getText());
    } catch (JsonException e) {
      throw new UnreadableBody("the body is not JSON: " + e.getMessage());
    }
  }

  /** The text message's body as a JSON object. */
  public static JsonObject readObject(Message message) throws JMSException, UnreadableBody {
    if (read(message) instanceof JsonObject object) {
      return object;
    }
    throw new UnreadableBody("expected a JSON object");
  }
}
